import DayshiftConfig
import DayshiftCore
import Emulators
import Foundation
import IssueObjects
import Logging
import Sandboxes
import Store

/// The main job with the real `dayshift serve` binary: a sample repository, the GitHub emulator
/// in the test process, a YAML config, and a data directory that outlives each server process.
final class ProcessHarness: @unchecked Sendable {
    static let owner = "octo"
    static let repo = "calculator"
    static let secret = "process-secret"

    let directory: TestDirectory
    let repository: SampleRepository
    let emulator: RunningGitHubEmulator
    let config: URL
    let dataDirectory: URL
    /// The PostgreSQL database's `store.url`, when the server keeps its state there.
    let storeURL: String?
    private(set) var server: ServerProcess?

    /// - Parameter writablePaths: host paths the (isolated) sandbox may write besides its own, e.g. a
    ///   directory where an agent script leaves a sign that it started.
    /// - Parameter engine: SQLite in the data directory, or a fresh PostgreSQL database (`store.url`, one replica).
    init(agentScript: String = EndToEndHarness.fixingAgent, writablePaths: [String] = [], engine: StoreEngine = .sqlite) async throws {
        storeURL = engine == .postgres ? try await TestPostgres.shared.storeURL() : nil
        directory = try TestDirectory("process")
        repository = try await SampleRepository.create(in: directory.url)
        emulator = try await GitHubEmulator.start()
        await emulator.state.registerRepository(owner: Self.owner, repo: Self.repo, bareDirectory: repository.bareDirectory)
        dataDirectory = directory.url.appendingPathComponent("data")
        let agent = directory.url.appendingPathComponent("agent.sh")
        try Data(agentScript.utf8).write(to: agent)
        config = directory.url.appendingPathComponent("dayshift.yaml")
        try Data("""
            data_dir: \(dataDirectory.path)
            \(storeURL.map { "store:\n  url: \"\($0)\"\n  single_replica: true" } ?? "")
            github:
              api_url: \(emulator.baseURL.absoluteString)
            sandbox:
              local:
                read_only_paths: [\((LocalSandboxSettings.defaultReadOnlyPaths + [agent.path]).joined(separator: ", "))]
                writable_paths: [\(writablePaths.joined(separator: ", "))]
            agent:
              command: sh \(agent.path)
              timeout_seconds: 60
              pass_environment: []
            repositories:
              \(Self.owner)/\(Self.repo):
                clone_url: \(repository.cloneURL)
                test_command: python3 -m unittest -q

            """.utf8).write(to: config)
    }

    var payloads: WebhookPayloadBuilder {
        WebhookPayloadBuilder(owner: Self.owner, repo: Self.repo, cloneURL: "https://github.com/\(Self.owner)/\(Self.repo).git")
    }

    /// The stored key of issue `number` in the harness repository (see `IssueKey`).
    func issueKey(_ number: Int) -> String { IssueKey(repository: RepositoryName(owner: Self.owner, name: Self.repo), number: number).description }

    @discardableResult
    func start(failPoints: [String] = []) async throws -> ServerProcess {
        var environment = ["DAYSHIFT_WEBHOOK_SECRET": Self.secret, "DAYSHIFT_GITHUB_TOKEN": "process-token"]
        if !failPoints.isEmpty { environment["DAYSHIFT_FAILPOINTS"] = failPoints.joined(separator: ",") }
        let server = try await ServerProcess(config: config, environment: environment, logFile: directory.url.appendingPathComponent("server.log"))
        self.server = server
        return server
    }

    /// Seeds the issue in the emulator (it exists on GitHub before anyone labels it), then sends.
    @discardableResult
    func sendLabeled(_ number: Int) async throws -> Int {
        guard let server else { throw HarnessError("server not started") }
        await emulator.state.seedIssue(owner: Self.owner, repo: Self.repo, number: number, title: "issue \(number)", body: "fix add()")
        let delivery = payloads.issueLabeled(number: number, title: "issue \(number)", body: "fix add()")
        return try await delivery.send(to: server.baseURL.appendingPathComponent("webhooks/github"), secret: Self.secret).status
    }

    /// A look at the server's database while it runs (WAL readers on SQLite; another client on PostgreSQL).
    func store() async throws -> Store {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        if let storeURL { return try await Store.postgres(try PostgresConnectionSettings.parse(url: storeURL, password: nil), logger: logger) }
        return try Store(directory: dataDirectory, logger: logger)
    }

    func waitForFinishedRuns(_ numbers: [Int], timeoutSeconds: Double = 120) async throws -> [Int: Run] {
        try await store().finishedRuns(numbers, key: issueKey, timeoutSeconds: timeoutSeconds,
                                       logs: directory.url.appendingPathComponent("server.log").path)
    }

    /// Waits until the issue has `count` runs, all finished.
    func waitUntilRuns(issue number: Int, count: Int, timeoutSeconds: Double = 120) async throws {
        let store = try await store()
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            let runs = try await store.runs(issueKey: issueKey(number))
            if runs.count == count, runs.allSatisfy(\.status.isFinal) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("issue \(number) does not have \(count) finished runs")
    }

    func leftoverSandboxes() async throws -> [Sandbox] {
        try await LocalSandboxProvider(rootDirectory: dataDirectory.appendingPathComponent("sandboxes"), logger: Logger(label: "test")).find(labels: [:])
    }

    func tearDown() async {
        _ = try? await server?.stop(signal: SIGKILL)
        await emulator.stop()
        directory.remove()
    }
}
