import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A Hummingbird router served on a free loopback port until ``stop()``.
struct LoopbackServer: Sendable {
    let baseURL: URL
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    static func start(router: Router<BasicRequestContext>) async throws -> LoopbackServer {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "loopback")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HarnessError("the loopback server did not start") }
        return LoopbackServer(baseURL: URL(string: "http://127.0.0.1:\(port)")!, group: group, task: task)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
