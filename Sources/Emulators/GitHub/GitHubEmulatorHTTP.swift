import DayshiftCore
import Foundation
import GitHub
import Hummingbird

/// Response construction shared by every emulated endpoint.
enum GitHubEmulatorResponse {
    /// A JSON response with GitHub's content type.
    static func json(_ value: some Encodable, status: HTTPResponse.Status, extraHeaders: HTTPFields = [:]) -> Response {
        let data = GitHubEmulatorJSON.encode(value)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers.append(contentsOf: extraHeaders)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Slices `items` by GitHub's `per_page` (default 30, max 100) and `page` (from 1) query
    /// parameters and adds a `Link` header with `next`/`last` (and `prev`/`first`) relations.
    static func paginated<T>(_ items: [T], request: Request, base: String) -> (page: [T], headers: HTTPFields) {
        let query = request.uri.queryParameters
        let perPage = min(max(query.get("per_page", as: Int.self) ?? 30, 1), 100)
        let page = max(query.get("page", as: Int.self) ?? 1, 1)
        let start = min((page - 1) * perPage, items.count)
        let slice = Array(items[start..<min(start + perPage, items.count)])
        let lastPage = max((items.count + perPage - 1) / perPage, 1)

        func pageURL(_ number: Int) -> String {
            var others = query.filter { $0.key != "page" && $0.key != "per_page" }.map { "\($0.key)=\($0.value)" }
            others.sort()
            return "<\(base)\(request.uri.path)?\((others + ["per_page=\(perPage)", "page=\(number)"]).joined(separator: "&"))>"
        }
        var links: [String] = []
        if page < lastPage {
            links.append("\(pageURL(page + 1)); rel=\"next\"")
            links.append("\(pageURL(lastPage)); rel=\"last\"")
        }
        if page > 1 {
            links.append("\(pageURL(page - 1)); rel=\"prev\"")
            links.append("\(pageURL(1)); rel=\"first\"")
        }
        var headers: HTTPFields = [:]
        if !links.isEmpty, let name = HTTPFieldName("link") {
            headers[name] = links.joined(separator: ", ")
        }
        return (slice, headers)
    }
}

/// Request parsing shared by every emulated endpoint.
extension Request {
    /// `http://<Host header>`; the base of every URL the emulator renders.
    var emulatorBaseURL: String {
        "http://\(head.authority ?? "127.0.0.1")"
    }

    /// The body as a JSON object; an empty body is `[:]`. Throws 400 `Problems parsing JSON`
    /// for anything that is not a JSON object.
    func jsonObjectBody() async throws -> [String: JSONValue] {
        let buffer = try await body.collect(upTo: GitHubEmulator.maxBodySize)
        if buffer.readableBytes == 0 { return [:] }
        guard case .object(let object) = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)) else {
            throw GitHubAPIError.problemsParsingJSON
        }
        return object
    }
}

/// Typed access to request-body fields, answering GitHub's 422 entries on type mismatches.
struct JSONFields {
    var object: [String: JSONValue]
    var resource: String

    /// A string field; `missing_field` when required and absent/null, `invalid` for another type.
    func string(_ name: String, required: Bool, errors: inout [GitHubValidationError]) -> String? {
        switch object[name] {
        case .string(let value): return value
        case nil, .null:
            if required { errors.append(.init(resource: resource, field: name, code: "missing_field")) }
            return nil
        default:
            errors.append(.init(resource: resource, field: name, code: "invalid"))
            return nil
        }
    }

    /// A boolean field; `invalid` for another type.
    func bool(_ name: String, errors: inout [GitHubValidationError]) -> Bool? {
        switch object[name] {
        case .bool(let value): return value
        case nil, .null: return nil
        default:
            errors.append(.init(resource: resource, field: name, code: "invalid"))
            return nil
        }
    }

    /// Whether the key is present (even as null).
    func has(_ name: String) -> Bool { object[name] != nil }
}

/// `HTTPField.Name` (HTTPTypes is not imported directly by this target).
typealias HTTPFieldName = HTTPFields.Element.Name
