import Foundation

/// One HTTP request the Daytona emulator received, in arrival order, with the status it answered.
///
/// Every request is recorded, including those rejected with 401, served a fault, or answered 404.
/// The bearer token itself is never stored.
public struct DaytonaRecordedRequest: Sendable, Codable, Equatable {
    /// Which part of the emulator a path belongs to.
    public enum Surface: String, Sendable, Codable {
        /// The main API under `/api` (Daytona's NestJS server).
        case api
        /// The toolbox under `/toolbox/{sandboxId}` (Daytona's proxy and in-sandbox daemon).
        case toolbox
        /// The emulator's own `/_emulator/...` control endpoints.
        case control
        /// Anything else (answered 404).
        case other
    }

    /// Upper-case HTTP method, e.g. `"POST"`.
    public var method: String
    /// The path without the query, as sent, e.g. `/api/sandbox` or `/toolbox/<id>/process/execute`.
    public var path: String
    /// The raw query string without `?`, nil when the URL had none.
    public var query: String?
    /// Some request headers, keyed by lower-case name: `content-type`, `user-agent`,
    /// `x-daytona-source`, `x-daytona-sdk-version`, `x-daytona-split-output` (when sent).
    public var headers: [String: String]
    /// Whether an `Authorization` header was present (its value is never kept).
    public var hasAuthorization: Bool
    /// The raw request body (empty for none).
    public var body: Data
    /// The HTTP status the emulator answered.
    public var responseStatus: Int
    /// The part of the emulator the path belongs to.
    public var surface: Surface

    /// Creates a record (the emulator makes them; tests build some to check validators).
    public init(
        method: String, path: String, query: String?, headers: [String: String], hasAuthorization: Bool,
        body: Data, responseStatus: Int, surface: Surface
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.hasAuthorization = hasAuthorization
        self.body = body
        self.responseStatus = responseStatus
        self.surface = surface
    }

    /// For a toolbox request, the sandbox id (second path segment); nil otherwise.
    public var toolboxSandboxID: String? {
        guard surface == .toolbox else { return nil }
        let parts = path.split(separator: "/")
        return parts.count >= 2 ? String(parts[1]) : nil
    }

    /// The path as the spec names it: without `/api` for the main API, without `/toolbox/{id}`
    /// for the toolbox (e.g. `/process/execute`), unchanged otherwise.
    public var specPath: String { Self.specPath(of: path, surface: surface) }

    /// The body decoded as UTF-8, nil if it is not valid UTF-8.
    public var bodyText: String? { String(data: body, encoding: .utf8) }

    /// `path` without its surface prefix (see ``specPath``).
    public static func specPath(of path: String, surface: Surface) -> String {
        switch surface {
        case .api:
            return String(path.dropFirst("/api".count))
        case .toolbox:
            // ["", "toolbox", "<id>", rest...]
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count > 3 else { return "/" }
            return "/" + parts.dropFirst(3).joined(separator: "/")
        case .control, .other:
            return path
        }
    }

    /// Classifies a request path.
    static func surface(of path: String) -> Surface {
        if path == "/api" || path.hasPrefix("/api/") { return .api }
        if path.hasPrefix("/toolbox/") { return .toolbox }
        if path == "/_emulator" || path.hasPrefix("/_emulator/") { return .control }
        return .other
    }
}
