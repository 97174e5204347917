import ArgumentParser
import Emulators
import Foundation
import Hummingbird
import Logging

/// `dayshift emulator github`: the GitHub REST emulator, standalone.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run an API emulator on loopback, to test a Dayshift setup without a GitHub account.",
        subcommands: [GitHubEmulatorCommand.self, DaytonaEmulatorCommand.self]
    )
}

struct GitHubEmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "github",
        abstract: "Emulate the GitHub REST endpoints Dayshift calls.",
        discussion: """
        Point Dayshift at it with DAYSHIFT_GITHUB_API_URL=http://HOST:PORT and any DAYSHIFT_GITHUB_TOKEN.
        Give each repository Dayshift should publish to with --repository OWNER/NAME=/path/to/bare.git: the
        emulator's Git Data API (blobs, trees, commits, refs) writes there, so the branch Dayshift publishes
        appears in that bare repository.
        See what Dayshift did with GET /repos/{owner}/{repo}/pulls and GET /repos/{owner}/{repo}/issues/{n}/comments
        (send any Authorization: Bearer header).
        """
    )

    @Option(name: .customLong("repository"), help: "OWNER/NAME=PATH: a local bare git repository behind the Git Data API of OWNER/NAME (repeatable).")
    var repositories: [String] = []

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 9090

    @Flag(help: "Answer 404 for issues nobody seeded, as GitHub does (by default any issue number exists).")
    var strictIssues = false

    func run() async throws {
        let logger = LoggingSetup.bootstrap(level: nil)
        let state = GitHubEmulatorState()
        await state.setAcceptsUnknownIssues(!strictIssues)
        for entry in repositories {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            let names = parts.first?.split(separator: "/").map(String.init) ?? []
            guard parts.count == 2, names.count == 2, FileManager.default.fileExists(atPath: parts[1]) else {
                throw ValidationError("--repository: expected OWNER/NAME=/path/to/existing/bare.git, got \"\(entry)\"")
            }
            await state.registerRepository(owner: names[0], repo: names[1], bareDirectory: URL(fileURLWithPath: parts[1]))
        }
        let app = GitHubEmulator.makeApplication(state: state, host: host, port: port, logger: logger) { port in
            logger.info("GitHub emulator listening", metadata: ["url": "http://\(host):\(port)"])
        }
        try await app.runService()
    }
}
