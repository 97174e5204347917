import Foundation
import HTTPServing
import Hummingbird
import Logging
import ServiceLifecycle

/// An in-process emulator of Daytona's sandbox service, for tests, demos and benchmarks. One
/// loopback listener serves:
///
/// - the main API under `/api` (Daytona v0.190; a client's base URL is `http://host:port/api`):
///   sandboxes (``DaytonaSandboxRoutes``), `GET /config` and snapshots (``DaytonaConfigRoutes``),
///   with NestJS error bodies ``DaytonaAPIErrorBody``;
/// - the toolbox under `/toolbox/{sandboxId}` (the DTO's `toolboxProxyUrl` is
///   `http://host:port/toolbox`): process and sessions (``DaytonaToolboxProcessRoutes``), files
///   (``DaytonaToolboxFileRoutes``), git and info (``DaytonaToolboxGitRoutes``), with Go error
///   bodies ``DaytonaToolboxErrorBody``;
/// - control endpoints under `/_emulator` (``DaytonaControlRoutes``).
///
/// Sandboxes are directories of the embedded local runner, so commands really run (as the
/// emulator's user, without isolation) and git really clones. Every request is recorded, and
/// faults (``DaytonaFault``) can be injected; both live in ``DaytonaEmulatorState``.
public enum DaytonaEmulator {
    /// Largest accepted request body (bytes).
    static let maxBodySize = 64 * 1024 * 1024

    /// Logger used when none is given: label `dayshift.emulator.daytona`, level `warning`.
    public static var defaultLogger: Logger {
        var logger = Logger(label: "dayshift.emulator.daytona")
        logger.logLevel = .warning
        return logger
    }

    /// Builds the router with every emulated endpoint behind the auth/fault/recording middleware.
    /// - Parameter apiKey: the bearer token accepted on `/api` and `/toolbox`; nil accepts any.
    public static func makeRouter(state: DaytonaEmulatorState, apiKey: String? = nil) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: DaytonaEmulatorMiddleware<BasicRequestContext>(state: state, apiKey: apiKey))
        let api = router.group("api")
        DaytonaSandboxRoutes.add(to: api, state: state)
        DaytonaConfigRoutes.add(to: api, state: state)
        let toolbox = router.group("toolbox/:sandboxId")
        DaytonaToolboxProcessRoutes.add(to: toolbox, state: state)
        DaytonaToolboxFileRoutes.add(to: toolbox, state: state)
        DaytonaToolboxGitRoutes.add(to: toolbox, state: state)
        DaytonaControlRoutes.add(to: router.group("_emulator"), state: state)
        return router
    }

    /// Builds (but does not run) the emulator bound to `host:port` (`port` 0 picks a free one).
    /// `onServerRunning` receives the bound port once the server listens. Run it in a
    /// `ServiceGroup` followed by a ``DaytonaEmulatorWorkService`` (then call
    /// ``DaytonaEmulatorState/shutdown()``), or use ``start(host:port:state:apiKey:sandboxRoot:logger:)``
    /// or ``run(state:host:port:apiKey:logger:onServerRunning:)``.
    public static func makeApplication(
        state: DaytonaEmulatorState,
        host: String = "127.0.0.1",
        port: Int = 0,
        apiKey: String? = nil,
        logger: Logger = DaytonaEmulator.defaultLogger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(state: state, apiKey: apiKey),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "DaytonaEmulator"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// Starts the emulator on `host:port` (`port` 0 = any free port) in a background task and
    /// returns once it listens. Call ``RunningDaytonaEmulator/stop()`` when done.
    /// - Parameters:
    ///   - apiKey: the only bearer token accepted (401 otherwise); nil accepts any.
    ///   - sandboxRoot: where sandbox files go (see ``DaytonaEmulatorState/useSandboxRoot(_:)``);
    ///     nil keeps the state's choice (a temporary directory by default).
    /// - Throws: the bind error if the server could not start.
    public static func start(
        host: String = "127.0.0.1",
        port: Int = 0,
        state: DaytonaEmulatorState = DaytonaEmulatorState(),
        apiKey: String? = nil,
        sandboxRoot: URL? = nil,
        logger: Logger = DaytonaEmulator.defaultLogger
    ) async throws -> RunningDaytonaEmulator {
        if let sandboxRoot, !(await state.useSandboxRoot(sandboxRoot)) {
            throw DaytonaEmulatorStartError.sandboxRootInUse
        }
        await state.reopen()
        let server = try await InProcessServer.start(
            host: host, logger: logger, didNotStart: DaytonaEmulatorStartError.didNotStart, alongside: [DaytonaEmulatorWorkService(state: state)]
        ) { onPort in
            makeApplication(state: state, host: host, port: port, apiKey: apiKey, logger: logger, onServerRunning: onPort)
        }
        return RunningDaytonaEmulator(baseURL: server.baseURL, state: state, stopServer: server.stop)
    }
}

extension DaytonaEmulator {
    /// Runs the emulator in the foreground until SIGTERM or SIGINT, then shuts down gracefully:
    /// running commands are killed, in-flight requests answered, the temporary sandbox root removed.
    /// - Throws: the bind error if the server could not start.
    public static func run(
        state: DaytonaEmulatorState,
        host: String = "127.0.0.1",
        port: Int = 0,
        apiKey: String? = nil,
        logger: Logger = DaytonaEmulator.defaultLogger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        await state.reopen()
        let app = makeApplication(
            state: state, host: host, port: port, apiKey: apiKey, logger: logger, onServerRunning: onServerRunning)
        let group = ServiceGroup(configuration: .init(
            services: [app, DaytonaEmulatorWorkService(state: state)], gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            await state.shutdown()
            throw error
        }
        await state.shutdown()
    }
}

/// Thrown by ``DaytonaEmulator/start(host:port:state:apiKey:sandboxRoot:logger:)``.
public enum DaytonaEmulatorStartError: Error, Sendable {
    /// The server task ended without reporting a bound port.
    case didNotStart
    /// The state already keeps sandboxes in another directory.
    case sandboxRootInUse
}
