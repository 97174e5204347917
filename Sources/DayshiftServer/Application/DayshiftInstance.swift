import Agents
import DayshiftConfig
import DayshiftCore
import Foundation
import GitHub
import IssueObjects
import Logging
import Sandboxes
import Store

/// The parts of one Dayshift server built from configuration: the store, the sandbox provider,
/// GitHub access, the issue-object runtime, the reaper, the retention pass, the intake gate, the
/// LLM proxy and the metrics they all record into.
/// Only ``buildApplication(configuration:logger:environment:failPointAction:now:onServerRunning:)``
/// builds them (tests may build them alone, with `package` access); the application it returns
/// serves them and exposes them as ``DayshiftApplication/instance``.
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
    /// This server's metrics (`GET /metrics`), with a registry of its own; every part above records into it.
    public let metrics: DayshiftMetrics
    /// Prunes old deliveries and run journals (`retention.*`).
    public let retention: RetentionService
    /// Names in `agent.pass_environment` left out because they hold a model key.
    let withheldKeys: [String]
    /// What `agent.pass_environment` hands the agent (before the run's own proxy variables).
    let agentEnvironment: [String: String]
    /// Closed first at graceful shutdown: webhooks then get 503.
    let gate = IntakeGate()
    let logger: Logger

    /// Builds every part; nothing starts yet.
    /// - Parameters:
    ///   - environment: the process environment, for `agent.pass_environment`, and for `ANTHROPIC_API_KEY` /
    ///     `OPENAI_API_KEY` when the configuration holds no LLM key.
    ///   - failPointAction: what an armed fail point does (tests use `.throwCrash`).
    ///   - now: the clock for App JWTs and installation-token expiry (tests share an emulator's clock).
    /// - Throws: ``ConfigurationError`` when the data directory or database cannot be opened, or
    ///   GitHub or sandbox settings are unusable.
    ///   - store: the store, opened by ``StoreOpening/open(_:logger:)``; `nil` opens SQLite in `data_dir`.
    package init(configuration: DayshiftConfiguration, store opened: Store? = nil, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment,
                failPointAction: FailPoints.Action = .exitProcess, now: @escaping @Sendable () -> Date = { Date() }) throws {
        var configuration = configuration
        if configuration.llm.anthropic.apiKey.isEmpty { configuration.llm.anthropic.apiKey = environment["ANTHROPIC_API_KEY"] ?? "" }
        if configuration.llm.openai.apiKey.isEmpty { configuration.llm.openai.apiKey = environment["OPENAI_API_KEY"] ?? "" }
        self.configuration = configuration
        self.logger = logger
        let metrics = DayshiftMetrics()
        self.metrics = metrics
        try DataDirectory.prepare(URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true))
        if let opened {
            store = opened
        } else if configuration.store.isShared {
            throw ConfigurationError(key: "store.url", problem: "a PostgreSQL store is opened with StoreOpening.open before the server is built")
        } else {
            store = try StoreOpening.openSQLite(configuration, logger: logger)
        }
        sandboxes = try SandboxProviderFactory.make(configuration, logger: logger, recorder: metrics)
        guard let apiURL = URL(string: configuration.github.apiURL) else {
            throw ConfigurationError(key: "github.api_url", problem: "not a URL")
        }
        let github: GitHubAuthenticator
        do {
            let credentials: GitHubCredentials = configuration.github.usesApp
                ? .app(appID: configuration.github.appID ?? "", privateKeyPEM: configuration.github.privateKeyPEM)
                : .personalAccessToken(configuration.github.token)
            github = try GitHubAuthenticator(credentials: credentials, baseURL: apiURL, timeoutSeconds: configuration.github.requestTimeoutSeconds,
                                            checks: configuration.github.checkRuns, now: now,
                                            recorder: metrics)
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
        llmProxy = LLMProxy(settings: configuration.llm, store: store, tokens: tokens, logger: logger, metrics: metrics)
        let agent = CommandAgent(command: configuration.agent.command, timeoutSeconds: configuration.agent.timeoutSeconds, environment: agentEnvironment)
        var dependencies = RunDependencies(store: store, sandboxes: sandboxes, github: github, agent: agent, configuration: configuration,
                                           failPoints: FailPoints(configuration.failPoints, action: failPointAction), logger: logger)
        dependencies.modelEnvironment = { runID in proxyAddress.agentEnvironment(runID: runID, tokens: tokens) }
        dependencies.recorder = metrics
        runtime = IssueObjectRuntime(dependencies: dependencies)
        let store = store
        reaper = SandboxReaper(provider: sandboxes, intervalSeconds: configuration.sandbox.reaperIntervalSeconds,
                               graceSeconds: configuration.sandbox.reaperGraceSeconds, logger: logger, recorder: metrics,
                               alone: { sweep in try await store.sweepingAlone(.sandboxReaper, sweep) }) { runID in
            try await store.run(id: runID)?.status == .running
        }
        retention = RetentionService(store: store, settings: configuration.retention, logger: logger)
    }

    /// Looks for the configured agent's executable in a sandbox, as `dayshift doctor` does, and
    /// says in one line whether it is there (a warning when not: every run would fail at its agent step).
    public func checkAgentExecutable() async {
        let verdict = await Doctor(configuration: configuration, logger: logger).agentExecutable(sandboxes)
        if verdict.level == .fail {
            logger.warning("\(verdict.detail)")
        } else {
            logger.info("agent: \(verdict.detail)")
        }
    }

    /// Logs what an operator should know at start (versions, GitHub access, sandbox isolation).
    public func logStartup() {
        logger.info("dayshift starting", metadata: ["version": "\(DayshiftVersion.current)", "store": "\(store.engine)", "data_dir": "\(configuration.dataDirectory)",
                                                    "sandbox": "\(sandboxes.kind)", "github_api": "\(CredentialRedaction.urls(in: configuration.github.apiURL))",
                                                    "isolation": "\((sandboxes as? LocalSandboxProvider)?.isolation.name ?? "n/a")"])
        if let version = store.sqliteVersion, let note = SQLiteVersionNotice.message(version: version, dataDirectory: URL(fileURLWithPath: configuration.dataDirectory)) {
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
}
