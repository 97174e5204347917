import DayshiftConfig
import DayshiftCore
import DayshiftServer
import Emulators
import Foundation
import HTTPServing
import IssueObjects
import Logging
import Store

/// The main job on real parts, in-process: a bare git repository, the GitHub emulator, a Dayshift
/// server on loopback with a real SQLite file and the local runner, and signed deliveries over HTTP.
final class EndToEndHarness: @unchecked Sendable {
    static let owner = "octo"
    static let repo = "calculator"
    static let secret = "test-webhook-secret"
    static let appID: Int64 = 4242

    let directory: TestDirectory
    let repository: SampleRepository
    let emulator: RunningGitHubEmulator
    var configuration: DayshiftConfiguration
    private(set) var instance: DayshiftInstance?
    private(set) var server: RunningDayshift?

    /// - Parameters:
    ///   - agentScript: the body of a `sh` script run as the agent in the clone.
    ///   - engine: where the server keeps its state: SQLite in the data directory, or a fresh
    ///     PostgreSQL database (`store.url`, one replica); the test is cancelled when PostgreSQL is unavailable.
    ///   - configure: changes to the configuration before the server starts.
    init(agentScript: String = EndToEndHarness.fixingAgent, extraFiles: [String: String] = [:], engine: StoreEngine = .sqlite,
         configure: (inout DayshiftConfiguration) -> Void = { _ in }) async throws {
        directory = try TestDirectory("e2e")
        repository = try await SampleRepository.create(in: directory.url, extraFiles: extraFiles)
        emulator = try await GitHubEmulator.start()
        await emulator.state.registerRepository(owner: Self.owner, repo: Self.repo, bareDirectory: repository.bareDirectory)
        let agent = directory.url.appendingPathComponent("agent.sh")
        try Data(agentScript.utf8).write(to: agent)
        var configuration = DayshiftConfiguration()
        configuration.dataDirectory = directory.url.appendingPathComponent("data").path
        configuration.server.port = 0
        configuration.webhook.secret = Self.secret
        configuration.github.apiURL = emulator.baseURL.absoluteString
        // The emulator runs in this test process: a request it does not answer in time means the
        // machine is starved by the other tests running beside this one, not that GitHub is down.
        configuration.github.requestTimeoutSeconds = 120
        // Dayshift runs as a GitHub App installed on the owner's account (installation 1, as in the payloads).
        configuration.github.appID = String(Self.appID)
        configuration.github.privateKeyPEM = try await emulator.state.registerApp(id: Self.appID)
        await emulator.state.addInstallation(id: 1, account: Self.owner)
        configuration.agent.command = "sh \(agent.path)"
        configuration.agent.profile = .command
        configuration.agent.timeoutSeconds = 60
        configuration.agent.passEnvironment = []
        var settings = RepositorySettings()
        settings.cloneURL = repository.cloneURL
        settings.testCommand = "python3 -m unittest -q"
        configuration.repositories["\(Self.owner)/\(Self.repo)"] = settings
        // Isolated sandboxes (the default where bwrap works) see only what is listed: the agent
        // script. The bare repository stays out of sight: Dayshift clones outside the sandbox and
        // publishes from the server.
        configuration.sandbox.local.readOnlyPaths.append(agent.path)
        if engine == .postgres {
            configuration.store.url = try await TestPostgres.shared.storeURL()
            configuration.store.singleReplica = true
        }
        configure(&configuration)
        self.configuration = configuration
    }

    /// An agent that fixes the sample's bug.
    static let fixingAgent = """
    python3 -c 'import pathlib; p = pathlib.Path("calc.py"); p.write_text(p.read_text().replace("\(SampleRepository.buggyLine)", "\(SampleRepository.fixedLine)"))'
    """

    var payloads: WebhookPayloadBuilder {
        WebhookPayloadBuilder(owner: Self.owner, repo: Self.repo, cloneURL: "https://github.com/\(Self.owner)/\(Self.repo).git")
    }

    /// The stored key of issue `number` in the harness repository (see `IssueKey`).
    func issueKey(_ number: Int) -> String { IssueKey(repository: RepositoryName(owner: Self.owner, name: Self.repo), number: number).description }

    @discardableResult
    /// - Parameter logs: where to keep every log line (at trace level); by default warnings go to stderr.
    func startServer(failPointAction: FailPoints.Action = .throwCrash, environment: [String: String] = [:],
                     logs: LogCapture? = nil) async throws -> RunningDayshift {
        var logger = logs?.logger() ?? Logger(label: "test")
        if logs == nil { logger.logLevel = .warning }
        let state = emulator.state
        let server = try await DayshiftApplication.start(configuration: configuration, logger: logger, environment: environment,
                                                         failPointAction: failPointAction, now: { state.now() })
        self.instance = server.application.instance
        self.server = server
        return server
    }

    func stopServer() async {
        await server?.stop()
        server = nil
    }

    var store: Store {
        get throws {
            guard let instance else { throw HarnessError("server not started") }
            return instance.store
        }
    }

    /// Sends a delivery to the running server, first seeding its issue in the GitHub emulator
    /// (as on GitHub, the issue exists before anyone labels or comments on it); returns the HTTP status.
    @discardableResult
    func send(_ delivery: WebhookDelivery) async throws -> Int {
        guard let server else { throw HarnessError("server not started") }
        if let payload = try? JSONSerialization.jsonObject(with: delivery.body) as? [String: Any],
           let issue = payload["issue"] as? [String: Any], let number = issue["number"] as? Int,
           await emulator.state.issue(owner: Self.owner, repo: Self.repo, number: number) == nil {
            await emulator.state.seedIssue(owner: Self.owner, repo: Self.repo, number: number, title: issue["title"] as? String ?? "",
                                           body: issue["body"] as? String)
        }
        return try await delivery.send(to: server.baseURL.appendingPathComponent("webhooks/github"), secret: Self.secret).status
    }

    /// Waits until the issue's latest run has ended, and returns its journal.
    func waitForFinishedRun(_ number: Int, timeoutSeconds: Double = 90) async throws -> RunJournal {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if let run = try await store.latestRun(issueKey: issueKey(number)), run.status.isFinal, let journal = try await store.journal(runID: run.id) {
                return journal
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("no finished run for #\(number) within \(timeoutSeconds) s")
    }

    /// Waits until issue `number` has `count` finished runs, and returns the latest.
    @discardableResult
    func waitForFinishedRuns(_ number: Int, count: Int, timeoutSeconds: Double = 30) async throws -> Run {
        try await waitUntil(timeoutSeconds: timeoutSeconds, "\(count) finished runs of #\(number)") {
            try await store.runs(issueKey: issueKey(number)).filter(\.status.isFinal).count == count
        }
        guard let run = try await store.latestRun(issueKey: issueKey(number)) else { throw HarnessError("no run for #\(number)") }
        return run
    }

    /// Waits until issue `number`'s latest run is in `step` (e.g. a slow agent is running), and
    /// returns that run.
    @discardableResult
    func waitForRunningStep(_ step: StepName, issue number: Int, timeoutSeconds: Double = 30) async throws -> Run {
        let store = try self.store
        let key = issueKey(number)
        try await waitUntil(timeoutSeconds: timeoutSeconds, "the \(step.rawValue) step of #\(number) to start") {
            guard let run = try await store.latestRun(issueKey: key) else { return false }
            return try await store.journal(runID: run.id)?.steps[step]?.status == .running
        }
        guard let run = try await store.latestRun(issueKey: key) else { throw HarnessError("no run for #\(number)") }
        return run
    }

    /// Waits until `condition` holds, polling.
    func waitUntil(timeoutSeconds: Double = 120, _ what: String, _ condition: () async throws -> Bool) async throws {
        try await DayshiftTests.waitUntil(what, timeoutSeconds: timeoutSeconds, condition)
    }

    func pullRequests() async -> [EmulatedPullRequest] {
        await emulator.state.pullRequests(owner: Self.owner, repo: Self.repo)
    }

    func comments(_ number: Int) async -> [EmulatedComment] {
        await emulator.state.comments(owner: Self.owner, repo: Self.repo, issue: number)
    }

    func sandboxCount() async throws -> Int {
        guard let instance else { throw HarnessError("server not started") }
        return try await instance.sandboxes.find(labels: [:]).count
    }

    func tearDown() async {
        await stopServer()
        await emulator.stop()
        directory.remove()
    }
}

/// A Dayshift server the harness started in this process (see `DayshiftApplication.start`).
typealias RunningDayshift = InProcessServer<DayshiftApplication>

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension EndToEndHarness {
    /// Builds a harness, runs `body`, and always tears it down (server, emulator, files).
    static func with(agentScript: String = EndToEndHarness.fixingAgent, extraFiles: [String: String] = [:], engine: StoreEngine = .sqlite,
                     configure: (inout DayshiftConfiguration) -> Void = { _ in },
                     _ body: (EndToEndHarness) async throws -> Void) async throws {
        let harness = try await EndToEndHarness(agentScript: agentScript, extraFiles: extraFiles, engine: engine, configure: configure)
        do {
            try await body(harness)
        } catch {
            await harness.tearDown()
            throw error
        }
        await harness.tearDown()
    }

    /// Like ``with(agentScript:extraFiles:configure:_:)``, with sandboxes from Dayshift's Daytona
    /// client against the in-repo Daytona emulator (backed by the local runner).
    static func withDaytona(configure: (inout DayshiftConfiguration) -> Void = { _ in },
                            _ body: (EndToEndHarness, RunningDaytonaEmulator) async throws -> Void) async throws {
        let apiKey = "e2e-daytona-key"
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-e2e-daytona-\(UUID().uuidString.prefix(8))")
        let daytona = try await DaytonaEmulator.start(apiKey: apiKey, sandboxRoot: root)
        do {
            try await with(configure: { configuration in
                configuration.sandbox.provider = "daytona"
                configuration.sandbox.daytona.apiURL = daytona.apiURL.absoluteString
                configuration.sandbox.daytona.apiKey = apiKey
                configure(&configuration)
            }) { harness in try await body(harness, daytona) }
        } catch {
            await daytona.stop()
            try? FileManager.default.removeItem(at: root)
            throw error
        }
        await daytona.stop()
        try? FileManager.default.removeItem(at: root)
    }
}
