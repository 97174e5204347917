import DayshiftCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An operator API error answered as RFC 9457 problem details (`application/problem+json`:
/// `type`, `title`, `status`, `detail`).
struct APIProblem: HTTPResponseError, Sendable {
    let status: HTTPResponse.Status
    let detail: String
    var headers: HTTPFields = [:]

    static func badRequest(_ detail: String) -> APIProblem { APIProblem(status: .badRequest, detail: detail) }
    static func notFound(_ detail: String) -> APIProblem { APIProblem(status: .notFound, detail: detail) }
    static func conflict(_ detail: String) -> APIProblem { APIProblem(status: .conflict, detail: detail) }
    static func badGateway(_ detail: String) -> APIProblem { APIProblem(status: .badGateway, detail: detail) }
    static var unauthorized: APIProblem {
        APIProblem(status: .unauthorized, detail: "send the operator token as Authorization: Bearer <token>",
                   headers: [.wwwAuthenticate: #"Bearer realm="dayshift""#])
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = JSONValue.object([
            "type": .string("about:blank"), "title": .string(status.reasonPhrase), "status": .int(status.code), "detail": .string(detail),
        ]).encoded()
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
