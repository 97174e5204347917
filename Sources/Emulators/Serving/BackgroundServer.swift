import Foundation
import Logging
import ServiceLifecycle

/// An emulator's services running in a background `ServiceGroup`, started on loopback and
/// stopped gracefully: what both the GitHub and the Daytona emulators' `start()` return inside
/// their running handles.
struct BackgroundServer: Sendable {
    /// `http://host:port`, no trailing slash.
    let baseURL: URL
    private let serviceGroup: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts the services `makeServices` builds and returns once the HTTP one reports its port.
    /// - Parameter makeServices: gets the callback to hand to Hummingbird's `onServerRunning`.
    /// - Throws: the server's own error when it stops before listening (e.g. the port is taken),
    ///   else `didNotStart`.
    static func start(host: String, logger: Logger, didNotStart: any Error,
                      makeServices: (@escaping @Sendable (Int) async -> Void) -> [any Service]) async throws -> BackgroundServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let services = makeServices { port in
            continuation.yield(port)
            continuation.finish()
        }
        let serviceGroup = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await serviceGroup.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value  // the server stopped before listening: surface its error
            throw didNotStart
        }
        let urlHost = host.contains(":") ? "[\(host)]" : host
        guard let baseURL = URL(string: "http://\(urlHost):\(port)") else {
            await serviceGroup.triggerGracefulShutdown()
            throw didNotStart
        }
        return BackgroundServer(baseURL: baseURL, serviceGroup: serviceGroup, task: task)
    }

    /// Shuts down gracefully (in-flight requests finish) and waits. Safe to call more than once.
    func stop() async {
        await serviceGroup.triggerGracefulShutdown()
        _ = await task.result
    }
}
