import Foundation
import HTTPServing
import Hummingbird
import Logging

/// A bare Hummingbird router served on a free loopback port (a fake upstream, a proxy under test),
/// through the same ``InProcessServer`` the Dayshift server and the emulators use.
typealias LoopbackServer = InProcessServer<Application<RouterResponder<BasicRequestContext>>>

extension InProcessServer where App == Application<RouterResponder<BasicRequestContext>> {
    /// Serves `router` on `127.0.0.1` at a free port until ``stop()``.
    static func start(router: Router<BasicRequestContext>) async throws -> LoopbackServer {
        var logger = Logger(label: "loopback")
        logger.logLevel = .warning
        return try await start(host: "127.0.0.1", logger: logger, didNotStart: HarnessError("the loopback server did not start")) { onPort in
            Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                        onServerRunning: { channel in await onPort(channel.localAddress?.port ?? 0) }, logger: logger)
        }
    }
}
