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
        See what Dayshift did with GET /repos/{owner}/{repo}/pulls and GET /repos/{owner}/{repo}/issues/{n}/comments
        (send any Authorization: Bearer header).
        """
    )

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
        let app = GitHubEmulator.makeApplication(state: state, host: host, port: port, logger: logger) { port in
            logger.info("GitHub emulator listening", metadata: ["url": "http://\(host):\(port)"])
        }
        try await app.runService()
    }
}
