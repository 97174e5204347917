import DayshiftCore
import Foundation
import Hummingbird

/// The query string of an operator API request, read with the API's rules: a malformed value is
/// a 400 ``APIProblem`` naming the parameter.
struct QueryParameters {
    private let parameters: [String: String]

    /// - Throws: ``APIProblem`` 400 when a parameter is given twice.
    init(_ request: Request) throws {
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            let name = String(name)
            guard parameters[name] == nil else { throw APIProblem.badRequest("\(name): given more than once") }
            parameters[name] = String(value)
        }
        self.parameters = parameters
    }

    subscript(name: String) -> String? { parameters[name] }

    /// `limit`: items per page, 1…500, default 50.
    func limit() throws -> Int {
        try integer("limit", minimum: 1, maximum: 500).map(Int.init) ?? 50
    }

    /// `cursor`, when given and not empty.
    func cursor() throws -> String? {
        guard let cursor = parameters["cursor"] else { return nil }
        guard !cursor.isEmpty else { throw APIProblem.badRequest("cursor: empty") }
        return cursor
    }

    /// `repository` as `owner/name`.
    func repository() throws -> RepositoryName? {
        guard let text = parameters["repository"] else { return nil }
        guard let name = RepositoryName(fullName: text) else { throw APIProblem.badRequest("repository: expected owner/name, got \"\(text)\"") }
        return name
    }

    /// An RFC 3339 time.
    func time(_ name: String) throws -> Date? {
        guard let text = parameters[name] else { return nil }
        guard let date = RFC3339.parse(text) else { throw APIProblem.badRequest("\(name): expected an RFC 3339 time such as 2026-12-01T00:00:00Z") }
        return date
    }

    /// A whole number within bounds.
    func integer(_ name: String, minimum: Int64, maximum: Int64 = .max) throws -> Int64? {
        guard let text = parameters[name] else { return nil }
        guard let value = Int64(text), value >= minimum, value <= maximum else {
            throw APIProblem.badRequest("\(name): expected a whole number from \(minimum)\(maximum == .max ? "" : " to \(maximum)"), got \"\(text)\"")
        }
        return value
    }
}
