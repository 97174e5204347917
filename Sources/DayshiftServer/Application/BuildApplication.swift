import DayshiftConfig
import Foundation
import Hummingbird
import IssueObjects
import Logging
import Store

/// Builds the whole Dayshift server from configuration: every part (``DayshiftInstance``), the
/// HTTP routes (`POST /webhooks/github`, `/llm/…`, `GET /healthz`, `GET /readyz`, `GET /metrics`,
/// and, when an operator token is configured, the operator API under `/api/v1` and the dashboard
/// at `/`) and, as the application's services, the issue-object runtime, the sandbox reaper, the
/// retention pass and the intake gate. The one way to
/// build the server: `dayshift serve` runs it with `runService()` (SIGTERM and SIGINT), the demo,
/// the tests and the benchmarks with `InProcessServer` or HummingbirdTesting's `app.test(.router)`
/// and `app.test(.live)`.
///
/// The Hummingbird template returns `some ApplicationProtocol`; this returns the concrete
/// ``DayshiftApplication`` so that tests and the demo can reach the store and sandboxes it built.
/// - Parameters:
///   - configuration: the server's configuration (`server.host`, `server.port`, `data_dir`, …).
///   - store: the store (``StoreOpening/open(_:logger:)``); `nil` opens SQLite in `data_dir`.
///   - logger: every part's logger.
///   - environment: the process environment, for `agent.pass_environment`, and for
///     `ANTHROPIC_API_KEY` / `OPENAI_API_KEY` when the configuration holds no LLM key.
///   - failPointAction: what an armed fail point does (tests use `.throwCrash`).
///   - now: the clock for App JWTs and installation-token expiry (tests share an emulator's clock).
///   - onServerRunning: called with the bound port once the server listens (after the LLM
///     proxy's address has learnt it).
/// - Throws: ``ConfigurationError`` when the data directory or database cannot be opened, or the
///   GitHub or sandbox settings are unusable. Nothing runs yet; running takes the data-directory lock.
public func buildApplication(
    configuration: DayshiftConfiguration,
    store: Store? = nil,
    logger: Logger,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    failPointAction: FailPoints.Action = .exitProcess,
    now: @escaping @Sendable () -> Date = { Date() },
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> DayshiftApplication {
    let instance = try DayshiftInstance(configuration: configuration, store: store, logger: logger, environment: environment,
                                        failPointAction: failPointAction, now: now)
    let configuration = instance.configuration
    let router = Router()
    router.add(middleware: LogRequestsMiddleware(.debug))
    HealthController().addRoutes(to: router)
    ReadinessController(store: instance.store, gate: instance.gate, logger: logger).addRoutes(to: router)
    MetricsController(metrics: instance.metrics, store: instance.store, replica: instance.runtime.replicaName).addRoutes(to: router)
    let intake = DeliveryIntake(store: instance.store, configuration: configuration, logger: logger)
    WebhookController(intake: intake, runtime: instance.runtime, gate: instance.gate, maxBodyBytes: configuration.server.maxBodyBytes,
                      metrics: instance.metrics)
        .addRoutes(to: router.group("webhooks"))
    if !configuration.server.operatorToken.isEmpty {
        let logStreams = LogStreamSlots()
        OperatorAPIController(store: instance.store, runtime: instance.runtime, sandboxes: instance.sandboxes, intake: intake, gate: instance.gate,
                              configuration: configuration, logStreams: logStreams)
            .addRoutes(to: router.group("api/v1"))
        let actions = OperatorActions(store: instance.store, runtime: instance.runtime, intake: intake, gate: instance.gate)
        DashboardController(actions: actions, sessions: DashboardSessions(operatorToken: configuration.server.operatorToken),
                            pages: try DashboardPages(), logger: logger, logStreams: logStreams)
            .addRoutes(to: router)
    }
    LLMProxyController(proxy: instance.llmProxy).addRoutes(to: router.group("llm"))
    let proxyAddress = instance.proxyAddress
    let announcer = LifecycleAnnouncer(logger: logger, notifier: SystemdNotifier(environment: environment))
    let host = configuration.server.host
    // Idle and half-sent connections are closed after 30 s, so slow clients cannot pile up.
    let http = Application(router: router, server: .http1(configuration: .init(idleTimeout: .seconds(30))),
                           configuration: .init(address: .hostname(configuration.server.host, port: configuration.server.port),
                                                serverName: "dayshift"),
                           onServerRunning: { channel in
                               let port = channel.localAddress?.port ?? 0
                               proxyAddress.bound(port: port)
                               announcer.listening(host: host, port: port)
                               await onServerRunning(port)
                           }, logger: logger)
    return DayshiftApplication(instance: instance, http: http, announcer: announcer)
}
