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

    @Option(name: .customLong("app-id"), help: "Register a GitHub App with this id (its private key is written to --app-key-file); requests then need real credentials.")
    var appID: Int64?

    @Option(name: .customLong("app-key-file"), help: "Where to write the App's private key (PEM, mode 0600).")
    var appKeyFile = "emulator-app.pem"

    @Option(name: .customLong("install"), help: "ACCOUNT: install the App on this account, as installation 1, 2, … (repeatable).")
    var installations: [String] = []

    @Option(name: .customLong("token"), help: "A personal access token the emulator accepts (repeatable), e.g. for looking at what Dayshift did.")
    var tokens: [String] = []

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 9090

    @Flag(help: "Answer 404 for issues nobody seeded, as GitHub does (by default any issue number exists).")
    var strictIssues = false

    func run() async throws {
        let logger = try LoggingSetup.bootstrap(level: nil)
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
        if let appID {
            let pem = try await state.registerApp(id: appID)
            guard FileManager.default.createFile(atPath: appKeyFile, contents: Data(pem.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("--app-key-file: cannot write \(appKeyFile)")
            }
            for (index, account) in installations.enumerated() {
                await state.addInstallation(id: Int64(index + 1), account: account)
            }
            logger.info("GitHub App registered", metadata: ["app_id": "\(appID)", "private_key": "\(appKeyFile)", "installed_on": "\(installations.joined(separator: ","))"])
        }
        for token in tokens { await state.addPersonalAccessToken(token) }
        let app = GitHubEmulator.makeApplication(state: state, host: host, port: port, logger: logger) { port in
            logger.info("GitHub emulator listening", metadata: ["url": "http://\(host):\(port)"])
        }
        try await app.runService()
    }
}
