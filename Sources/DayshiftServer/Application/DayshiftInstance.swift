import Agents
import DayshiftConfig
import Foundation
import GitHub
import Hummingbird
import IssueObjects
import Logging
import Sandboxes
import ServiceLifecycle
import Store

/// One Dayshift server built from configuration: the store, the issue-object runtime and the
/// HTTP application. `dayshift serve`, the demo and the tests all build it the same way.
public struct DayshiftInstance: Sendable {
    public let configuration: DayshiftConfiguration
    public let store: Store
    public let runtime: IssueObjectRuntime
    public let sandboxes: any SandboxProvider
    /// GitHub as the App (installation access tokens) or with a personal access token.
    public let github: GitHubAuthenticator
    /// Deletes leaked sandboxes (labelled `dayshift.managed=true`, run ended or unknown).
    public let reaper: SandboxReaper
    /// The LLM proxy (`/llm/…`) and the per-run tokens it takes.
    public let llmProxy: LLMProxy
    /// Where sandboxes reach the LLM proxy.
    public let proxyAddress: ProxyAddress
    /// Names in `agent.pass_environment` left out because they hold a model key.
    let withheldKeys: [String]
    /// What `agent.pass_environment` hands the agent (before the run's own proxy variables).
    let agentEnvironment: [String: String]
    let gate = IntakeGate()
    let logger: Logger

    /// Builds every part; nothing starts yet.
    /// - Parameters:
    ///   - environment: the process environment, for `agent.pass_environment`, and for `ANTHROPIC_API_KEY` /
    ///     `OPENAI_API_KEY` when the configuration holds no LLM key.
    ///   - failPointAction: what an armed fail point does (tests use `.throwCrash`).
    /// - Throws: storage errors when the data directory or database cannot be opened.
    ///   - now: the clock for App JWTs and installation-token expiry (tests share an emulator's clock).
    public init(configuration: DayshiftConfiguration, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment,
                failPointAction: FailPoints.Action = .exitProcess, now: @escaping @Sendable () -> Date = { Date() }) throws {
        var configuration = configuration
        if configuration.llm.anthropic.apiKey.isEmpty { configuration.llm.anthropic.apiKey = environment["ANTHROPIC_API_KEY"] ?? "" }
        if configuration.llm.openai.apiKey.isEmpty { configuration.llm.openai.apiKey = environment["OPENAI_API_KEY"] ?? "" }
        self.configuration = configuration
        self.logger = logger
        let dataDirectory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        try DataDirectory.prepare(dataDirectory)
        do {
            store = try Store(directory: dataDirectory, logger: logger)
        } catch {
            throw ConfigurationError(key: "data_dir", problem: "cannot open the database in \(dataDirectory.path) (\(Self.reason(error)))")
        }
        sandboxes = try SandboxProviderFactory.make(configuration, logger: logger)
        guard let apiURL = URL(string: configuration.github.apiURL) else {
            throw ConfigurationError(key: "github.api_url", problem: "not a URL")
        }
        let github: GitHubAuthenticator
        do {
            let credentials: GitHubCredentials = configuration.github.usesApp
                ? .app(appID: configuration.github.appID ?? "", privateKeyPEM: configuration.github.privateKeyPEM)
                : .personalAccessToken(configuration.github.token)
            github = try GitHubAuthenticator(credentials: credentials, baseURL: apiURL, timeoutSeconds: configuration.github.requestTimeoutSeconds, now: now)
        } catch {
            throw ConfigurationError(key: "github.private_key_file", problem: "\(error)")
        }
        self.github = github
        let (agentEnvironment, withheld) = ModelKeys.agentEnvironment(configuration, environment: environment)
        withheldKeys = withheld
        self.agentEnvironment = agentEnvironment
        let tokens = try RunTokens(directory: configuration.dataDirectory)
        let proxyAddress = ProxyAddress(configuration: configuration)
        self.proxyAddress = proxyAddress
        llmProxy = LLMProxy(settings: configuration.llm, store: store, tokens: tokens, logger: logger)
        let agent = CommandAgent(command: configuration.agent.command, timeoutSeconds: configuration.agent.timeoutSeconds, environment: agentEnvironment)
        var dependencies = RunDependencies(store: store, sandboxes: sandboxes, github: github, agent: agent, configuration: configuration,
                                           failPoints: FailPoints(configuration.failPoints, action: failPointAction), logger: logger)
        dependencies.modelEnvironment = { runID in proxyAddress.agentEnvironment(runID: runID, tokens: tokens) }
        runtime = IssueObjectRuntime(dependencies: dependencies)
        let store = store
        reaper = SandboxReaper(provider: sandboxes, intervalSeconds: configuration.sandbox.reaperIntervalSeconds,
                               graceSeconds: configuration.sandbox.reaperGraceSeconds, logger: logger) { runID in
            try store.run(id: runID)?.status == .running
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }

    /// The HTTP application: webhooks, the LLM proxy and health.
    /// - Parameter onServerRunning: called with the bound port once listening.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: LogRequestsMiddleware(.debug))
        HealthController().addRoutes(to: router)
        WebhookController(intake: DeliveryIntake(store: store, configuration: configuration, logger: logger), runtime: runtime,
                          gate: gate, maxBodyBytes: configuration.server.maxBodyBytes)
            .addRoutes(to: router.group("webhooks"))
        LLMProxyController(proxy: llmProxy).addRoutes(to: router.group("llm"))
        let proxyAddress = proxyAddress
        // Idle and half-sent connections are closed after 30 s, so slow clients cannot pile up.
        return Application(router: router, server: .http1(configuration: .init(idleTimeout: .seconds(30))),
                           configuration: .init(address: .hostname(configuration.server.host, port: configuration.server.port),
                                                serverName: "dayshift"),
                           onServerRunning: { channel in
                               let port = channel.localAddress?.port ?? 0
                               proxyAddress.bound(port: port)
                               await onServerRunning(port)
                           }, logger: logger)
    }

    /// Logs what an operator should know at start (versions, GitHub access, sandbox isolation).
    public func logStartup() {
        let version = (try? store.sqliteVersion()) ?? "?"
        logger.info("dayshift starting", metadata: ["version": "\(DayshiftVersion.current)", "sqlite": "\(version)", "data_dir": "\(configuration.dataDirectory)",
                                                    "sandbox": "\(sandboxes.kind)", "github_api": "\(configuration.github.apiURL)",
                                                    "isolation": "\((sandboxes as? LocalSandboxProvider)?.isolation.name ?? "n/a")"])
        if let note = SQLiteVersionNotice.message(version: version, dataDirectory: URL(fileURLWithPath: configuration.dataDirectory)) {
            logger.info("\(note)")
        }
        if configuration.github.usesApp {
            logger.info("GitHub: as App \(configuration.github.appID ?? "") with installation access tokens\(configuration.github.token.isEmpty ? "" : " (the personal access token is ignored)")")
        } else {
            logger.info("GitHub: with a personal access token (one-repository use; a GitHub App is recommended)")
        }
        let local = sandboxes as? LocalSandboxProvider
        for warning in StartupWarnings.sandbox(
            isolation: local?.isolation, cgroups: local?.cgroups ?? .unavailable, runningAsRoot: geteuid() == 0) {
            logger.warning("\(warning)")
        }
        logModelAccess()
        if !configuration.failPoints.isEmpty {
            logger.warning("fail points armed", metadata: ["failpoints": "\(configuration.failPoints.joined(separator: ","))"])
        }
    }

    /// Runs until SIGTERM or SIGINT, then stops taking webhooks and lets running steps stop at
    /// their journal point; unfinished runs resume at the next start. Tells systemd (`NOTIFY_SOCKET`)
    /// and the log when it is listening, stopping and stopped (``LifecycleAnnouncer``).
    /// - Throws: ``ConfigurationError`` for `data_dir` when another process uses it, and for
    ///   `server.port` / `server.host` when the address cannot be bound (``ListenFailure``).
    public func run(environment: [String: String] = ProcessInfo.processInfo.environment) async throws {
        let lock = try DataDirectoryLock(directory: configuration.dataDirectory)
        defer { lock.release() }
        logStartup()
        let (host, port) = (configuration.server.host, configuration.server.port)
        let announcer = LifecycleAnnouncer(logger: logger, notifier: SystemdNotifier(environment: environment))
        let app = application { announcer.listening(host: host, port: $0) }
        let group = ServiceGroup(services: services(app) + [announcer], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        do {
            try await group.run()
        } catch {
            throw ListenFailure.explain(error, host: host, port: port)
        }
        announcer.stopped()
    }

    /// The services in start order. Shutdown runs in reverse: the gate closes (webhooks get 503),
    /// then the runtime lets steps reach their journal point, then HTTP stops.
    func services(_ application: some ApplicationProtocol) -> [any Service] {
        [application, reaper, runtime, gate]
    }

    /// Starts the server in this process and returns once it listens (for the demo and tests).
    /// - Throws: ``ConfigurationError`` for `data_dir` when another server uses it.
    public func start() async throws -> RunningDayshift {
        let lock = try DataDirectoryLock(directory: configuration.dataDirectory)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(services: services(application { continuation.yield($0) }), gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            lock.release()
            throw CancellationError()
        }
        return RunningDayshift(baseURL: URL(string: "http://\(configuration.server.host):\(port)")!, group: group, task: task, lock: lock)
    }
}

/// A Dayshift server running inside this process.
public struct RunningDayshift: Sendable {
    /// e.g. `http://127.0.0.1:43121`.
    public let baseURL: URL
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let lock: DataDirectoryLock

    /// Stops taking requests, interrupts running steps at their journal point, and waits.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        lock.release()
    }
}
