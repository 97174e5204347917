import Foundation
import Hummingbird

/// JSON encoding, decoding and timestamps shared by the Daytona emulator's endpoints.
enum DaytonaJSON {
    /// Encodes with sorted keys (stable output) and unescaped slashes.
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    /// A JSON response.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, extraHeaders: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers.append(contentsOf: extraHeaders)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: encode(value))))
    }

    /// A bodiless response (`201` of `POST /process/session`, `204` of `DELETE`, …).
    static func empty(_ status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentLength: "0"], body: ResponseBody())
    }

    /// ISO-8601 with milliseconds, as NestJS renders dates: `2026-06-23T10:00:00.000Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

extension Request {
    /// The collected body (the middleware already buffered it).
    func daytonaBody() async throws -> Data {
        let buffer = try await body.collect(upTo: DaytonaEmulator.maxBodySize)
        return Data(buffer.readableBytesView)
    }

    /// The body decoded as `T`; an empty body decodes from `{}`.
    /// - Throws: `invalid(description)` for malformed JSON or wrong field types.
    func daytonaJSON<T: Decodable>(_ type: T.Type, invalid: (String) -> any Error) async throws -> T {
        var data = try await daytonaBody()
        if data.isEmpty { data = Data("{}".utf8) }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw invalid("\(field) has the wrong type")
        } catch DecodingError.keyNotFound(let key, _) {
            throw invalid("\(key.stringValue) is required")
        } catch {
            throw invalid("malformed JSON")
        }
    }

    /// `http://<Host header>`: the base of every URL the emulator renders.
    var daytonaBaseURL: String {
        "http://\(head.authority ?? "127.0.0.1")"
    }

    /// A header value by lower-case name.
    func daytonaHeader(_ name: String) -> String? {
        guard let fieldName = HTTPFields.Element.Name(name) else { return nil }
        return headers[fieldName]
    }
}
