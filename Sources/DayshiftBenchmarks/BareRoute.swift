import Foundation
import Hummingbird
import Logging

/// The intake's ceiling: a bare Hummingbird 2 route at the same path that reads the whole body
/// (as any receiver must) and answers 202 with a small JSON body, with nothing else.
enum BareRoute {
    static func main(_ arguments: Arguments) async throws {
        let port = try arguments.int("port")
        var logger = Logger(label: "bare-route")
        logger.logLevel = .warning
        let router = Router()
        router.post("webhooks/github") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 25 * 1024 * 1024)
            guard body.readableBytes > 0 else { return Response(status: .badRequest) }
            return Response(status: .accepted, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"status":"accepted"}"#)))
        }
        router.get("healthz") { _, _ in "ok\n" }
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "bare"),
                                      onServerRunning: { channel in note("bare route listening on \(channel.localAddress?.port ?? port)") },
                                      logger: logger)
        try await application.runService()
    }
}
