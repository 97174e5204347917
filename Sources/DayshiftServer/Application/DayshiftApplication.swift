import DayshiftConfig
import Foundation
import HTTPServing
import IssueObjects
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import Store

/// The Dayshift server as a Hummingbird application, built by
/// ``buildApplication(configuration:logger:environment:failPointAction:now:onServerRunning:)``:
/// HTTP plus its ``services`` (the sandbox reaper, the issue-object runtime and the intake gate).
///
/// ``run()`` takes the data-directory lock, logs what an operator should know, and runs HTTP and
/// the services in one `ServiceGroup`. Hummingbird's own `Application` stops its services after
/// its HTTP server; Dayshift needs the reverse, so HTTP is listed first and shut down last:
/// the gate closes (webhooks get 503), then the runtime lets running steps reach their journal
/// point within `server.shutdown_grace_seconds` (their agents still reach the LLM proxy), then
/// HTTP stops. `app.test(.router)` runs the same services beside the router.
public struct DayshiftApplication: ApplicationProtocol, CustomStringConvertible {
    public typealias Responder = RouterResponder<BasicRequestContext>

    /// `DayshiftApplication`: a `ServiceGroup` logs its services by description, and the
    /// reflected default would print the configuration, secrets included.
    public var description: String { "DayshiftApplication" }

    /// The parts this application serves: the store, sandboxes, runtime, reaper, LLM proxy.
    public let instance: DayshiftInstance
    let http: Application<Responder>
    /// Tells the log and systemd (`NOTIFY_SOCKET`) when the server is listening, stopping and stopped.
    let announcer: LifecycleAnnouncer
    /// Whether ``run()`` first looks for the agent's executable in a sandbox and says in one line
    /// whether it is there (`serve` sets it; tests and the demo start without that extra sandbox).
    public var checksAgentAtStart = false

    public var responder: Responder { http.responder }
    public var server: HTTPServerBuilder { http.server }
    public var eventLoopGroup: any EventLoopGroup { http.eventLoopGroup }
    public var configuration: ApplicationConfiguration { http.configuration }
    public var logger: Logger { http.logger }

    /// Learns the bound port (for the LLM proxy's address and the builder's `onServerRunning`).
    @Sendable public func onServerRunning(_ channel: any Channel) async {
        await http.onServerRunning(channel)
    }

    /// In start order: the reaper, the retention pass, the issue-object runtime, the intake gate,
    /// the lifecycle announcer. Shut down in reverse, all before HTTP: "stopping" is logged (and
    /// sent to systemd) first, then webhooks get 503 (and `/readyz` 503), then running steps get
    /// their grace period.
    public var services: [any Service] { [instance.reaper, instance.retention, instance.runtime, instance.gate, announcer] }

    /// Serves until graceful shutdown (see the type's documentation for the order).
    /// - Throws: ``DayshiftConfig/ConfigurationError`` for `data_dir` when another process holds
    ///   its lock, for `store.single_replica` when another server's claim on the PostgreSQL database
    ///   conflicts with this one's, and for `server.port` / `server.host` when the address cannot be bound
    ///   (``ListenFailure``).
    public func run() async throws {
        let lock = try DataDirectoryLock(directory: instance.configuration.dataDirectory)
        defer { lock.release() }
        let claim = try await claimDatabase()
        instance.logStartup()
        if checksAgentAtStart { await instance.checkAgentExecutable() }
        let group = ServiceGroup(configuration: .init(services: [http] + services, logger: logger))
        do {
            try await group.run()
        } catch {
            await claim.release()
            throw ListenFailure.explain(error, host: instance.configuration.server.host, port: instance.configuration.server.port)
        }
        await claim.release()
        announcer.stopped()
    }

    /// Claims the database while serving: alone with `store.single_replica: true`, else as one
    /// replica among several (``Store/claimForServing(alone:)``).
    /// - Throws: ``DayshiftConfig/ConfigurationError`` for `store.single_replica` when another
    ///   server's claim conflicts, or for `store.url` when the claim cannot be taken.
    private func claimDatabase() async throws -> ServingClaim {
        let alone = instance.configuration.store.singleReplica
        let claim: ServingClaim?
        do {
            claim = try await instance.store.claimForServing(alone: alone)
        } catch {
            throw ConfigurationError(key: "store.url", problem: "cannot claim the database for serving (\(StoreOpening.detail(error, password: instance.configuration.store.password)))")
        }
        guard let claim else {
            throw ConfigurationError(key: "store.single_replica", problem: alone
                ? "another Dayshift server already uses this PostgreSQL database, and store.single_replica: true says this one must be the only one "
                    + "(stop the other, or remove the setting on every replica to run several, with sandbox.provider: daytona)"
                : "a Dayshift server with store.single_replica: true already uses this PostgreSQL database; stop it, or remove the setting there to run several replicas")
        }
        return claim
    }
}

extension DayshiftApplication {
    /// Builds the server with ``buildApplication(configuration:logger:environment:failPointAction:now:onServerRunning:)``
    /// and serves it in this process; returns once it listens (for the demo, tests and benchmarks).
    /// `server.application.instance` holds its parts; `stop()` shuts it down gracefully.
    /// - Throws: what the builder throws; ``DayshiftConfig/ConfigurationError`` for `data_dir`
    ///   when another server holds the data directory.
    package static func start(
        configuration: DayshiftConfiguration, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        failPointAction: FailPoints.Action = .exitProcess, now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> InProcessServer<DayshiftApplication> {
        let store = try await StoreOpening.open(configuration, logger: logger)
        return try await InProcessServer.start(host: configuration.server.host, logger: logger, didNotStart: CancellationError()) { onPort in
            try buildApplication(configuration: configuration, store: store, logger: logger, environment: environment,
                                 failPointAction: failPointAction, now: now, onServerRunning: onPort)
        }
    }
}
