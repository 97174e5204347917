import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A Hummingbird application served by a background task of this process until ``stop()``: how
/// the demo, the tests, the benchmarks and the emulators' `start()` run a server in-process.
/// `dayshift serve` and `dayshift emulator` run the same applications in the foreground with
/// `runService()` instead; this only adds "start, tell me where, stop".
///
/// It lives in this small target because both `DayshiftServer` and `Emulators` use it and
/// neither depends on the other.
package struct InProcessServer<App: ApplicationProtocol>: Sendable {
    /// The application being served.
    package let application: App
    /// `http://host:port`, no trailing slash (an IPv6 host in brackets).
    package let baseURL: URL
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Builds the application, serves it in a background `ServiceGroup` (no signal handling) and
    /// returns once it listens.
    /// - Parameters:
    ///   - host: the host the application binds, for ``baseURL``.
    ///   - logger: the service group's logger.
    ///   - didNotStart: thrown when the server stops before listening without an error of its own.
    ///   - alongside: services run next to the application and told to shut down before it (a
    ///     `ServiceGroup` shuts down in reverse order), e.g. one that cancels long requests.
    ///   - build: builds the application; gets the callback to call with the bound port from the
    ///     application's `onServerRunning`.
    /// - Throws: what `build` throws; the server's own error when it stops before listening (a
    ///   taken port, a data directory another server holds); else `didNotStart`.
    package static func start(
        host: String, logger: Logger, didNotStart: any Error, alongside: [any Service] = [],
        build: (@escaping @Sendable (Int) async -> Void) throws -> App
    ) async throws -> InProcessServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = try build { port in
            continuation.yield(port)
            continuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [application] + alongside, gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value  // the server stopped before listening: surface its error
            throw didNotStart
        }
        let urlHost = host.contains(":") ? "[\(host)]" : host
        guard let baseURL = URL(string: "http://\(urlHost):\(port)") else {
            await group.triggerGracefulShutdown()
            _ = await task.result
            throw didNotStart
        }
        return InProcessServer(application: application, baseURL: baseURL, group: group, task: task)
    }

    /// Shuts down gracefully (services in reverse order, in-flight requests finish) and waits.
    /// Safe to call more than once.
    package func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}
