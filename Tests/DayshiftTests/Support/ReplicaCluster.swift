import DayshiftConfig
import DayshiftCore
import Emulators
import Foundation
import Logging
import Store

/// Several real `dayshift serve` processes sharing one PostgreSQL database, as replicas behind a
/// load balancer: one GitHub emulator and one Daytona emulator (in the test process) serve them
/// all, and each replica has a data directory of its own.
final class ReplicaCluster: @unchecked Sendable {
    static let owner = "octo"
    static let repo = "calculator"
    static let secret = "replica-secret"
    static let daytonaKey = "replica-daytona-key"

    let directory: TestDirectory
    let repository: SampleRepository
    let github: RunningGitHubEmulator
    let daytona: RunningDaytonaEmulator
    let storeURL: String
    private let configs: [URL]
    private(set) var servers: [ServerProcess?]

    /// - Parameters:
    ///   - replicas: how many servers (started with ``start(_:)``).
    ///   - leaseSeconds: `runtime.lease_seconds`.
    ///   - agentScript: what the agent does in the clone.
    init(replicas: Int, leaseSeconds: Double, agentScript: String = EndToEndHarness.fixingAgent, maxConcurrentRuns: Int = 4) async throws {
        storeURL = try await TestPostgres.shared.storeURL()
        directory = try TestDirectory("replicas")
        repository = try await SampleRepository.create(in: directory.url)
        github = try await GitHubEmulator.start()
        await github.state.registerRepository(owner: Self.owner, repo: Self.repo, bareDirectory: repository.bareDirectory)
        daytona = try await DaytonaEmulator.start(apiKey: Self.daytonaKey, sandboxRoot: directory.url.appendingPathComponent("daytona"))
        let agent = directory.url.appendingPathComponent("agent.sh")
        try Data(agentScript.utf8).write(to: agent)
        let (root, storeURL, githubURL, daytonaURL, cloneURL) = (directory.url, storeURL, github.baseURL, daytona.apiURL, repository.cloneURL)
        configs = try (0..<replicas).map { index in
            let config = root.appendingPathComponent("replica-\(index).yaml")
            try Data("""
                data_dir: \(root.appendingPathComponent("data-\(index)").path)
                store:
                  url: "\(storeURL)"
                github:
                  api_url: \(githubURL.absoluteString)
                sandbox:
                  provider: daytona
                  daytona:
                    api_url: \(daytonaURL.absoluteString)
                    request_timeout_seconds: 10
                    start_timeout_seconds: 10
                agent:
                  profile: command
                  command: sh \(agent.path)
                  timeout_seconds: 60
                  pass_environment: []
                runtime:
                  lease_seconds: \(leaseSeconds)
                  poll_interval_seconds: 0.2
                  max_concurrent_runs: \(maxConcurrentRuns)
                server:
                  shutdown_grace_seconds: 20
                repositories:
                  \(Self.owner)/\(Self.repo):
                    clone_url: \(cloneURL)
                    test_command: python3 -m unittest -q

                """.utf8).write(to: config)
            return config
        }
        servers = Array(repeating: nil, count: replicas)
    }

    /// Starts replica `index` and waits until it answers `/healthz`.
    @discardableResult
    func start(_ index: Int) async throws -> ServerProcess {
        let environment = ["DAYSHIFT_WEBHOOK_SECRET": Self.secret, "DAYSHIFT_GITHUB_TOKEN": "replica-token", "DAYSHIFT_DAYTONA_API_KEY": Self.daytonaKey]
        let server = try await ServerProcess(config: configs[index], environment: environment,
                                             logFile: directory.url.appendingPathComponent("replica-\(index).log"))
        servers[index] = server
        return server
    }

    func server(_ index: Int) throws -> ServerProcess {
        guard let server = servers[index] else { throw HarnessError("replica \(index) not started") }
        return server
    }

    var payloads: WebhookPayloadBuilder {
        WebhookPayloadBuilder(owner: Self.owner, repo: Self.repo, cloneURL: "https://github.com/\(Self.owner)/\(Self.repo).git")
    }

    func issueKey(_ number: Int) -> String { IssueKey(repository: RepositoryName(owner: Self.owner, name: Self.repo), number: number).description }

    /// The labeled delivery for issue `number` (the issue seeded in the emulator first).
    func labeled(_ number: Int) async -> WebhookDelivery {
        await github.state.seedIssue(owner: Self.owner, repo: Self.repo, number: number, title: "issue \(number)", body: "fix add()")
        return payloads.issueLabeled(number: number, title: "issue \(number)", body: "fix add()")
    }

    /// Sends `delivery` to replica `index`; returns the HTTP status.
    func send(_ delivery: WebhookDelivery, to index: Int) async throws -> Int {
        try await delivery.send(to: try server(index).baseURL.appendingPathComponent("webhooks/github"), secret: Self.secret).status
    }

    /// Another client of the cluster's database.
    func store() async throws -> Store {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try await Store.postgres(try PostgresConnectionSettings.parse(url: storeURL, password: nil), logger: logger)
    }

    /// The owner name replica `index` gives its leases (`host:pid:suffix`) starts with this.
    func ownerPrefix(_ index: Int) throws -> String {
        "\(ProcessInfo.processInfo.hostName):\(try server(index).process.processIdentifier):"
    }

    /// Waits until every issue's latest run reached a final status; returns them.
    func waitForFinishedRuns(_ numbers: [Int], store: Store, timeoutSeconds: Double) async throws -> [Int: Run] {
        try await store.finishedRuns(numbers, key: issueKey, timeoutSeconds: timeoutSeconds, logs: directory.url.path)
    }

    /// Waits until `condition` holds (see the free ``waitUntil(_:timeoutSeconds:_:)``).
    func waitUntil(_ what: String, timeoutSeconds: Double = 60, _ condition: () async throws -> Bool) async throws {
        try await DayshiftTests.waitUntil(what, timeoutSeconds: timeoutSeconds, condition)
    }

    /// The terms of one issue's lease history in which two different owners overlapped.
    static func overlaps(_ history: [LeaseTerm]) -> [(LeaseTerm, LeaseTerm)] {
        var overlaps: [(LeaseTerm, LeaseTerm)] = []
        for (earlier, later) in zip(history, history.dropFirst()) where earlier.issueKey == later.issueKey && earlier.owner != later.owner {
            if (earlier.endedAt ?? .distantFuture) > later.acquiredAt { overlaps.append((earlier, later)) }
        }
        return overlaps
    }

    func tearDown() async {
        for server in servers { _ = try? await server?.stop(signal: SIGKILL) }
        await daytona.stop()
        await github.stop()
        directory.remove()
    }
}
