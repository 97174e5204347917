import Foundation

/// One HTTP request the GitHub emulator received, in arrival order, with the status it answered.
///
/// Recorded for every request, including ones rejected with 401, served an injected fault,
/// or answered 404 for an unknown route. The token itself is never stored.
public struct RecordedRequest: Sendable, Codable, Equatable {
    /// Upper-case HTTP method, e.g. `"POST"`.
    public var method: String
    /// The request path without the query, exactly as sent, e.g. `/repos/o/r/pulls`.
    public var path: String
    /// The raw query string without `?`, or nil when the URL had none (`state=open&head=o:b`).
    public var query: String?
    /// A subset of the request headers, keyed by lower-case name: `accept`, `content-type`,
    /// `user-agent`, `x-github-api-version` (only those that were sent).
    public var headers: [String: String]
    /// Whether an `Authorization` header was present at all.
    public var hasAuthorization: Bool
    /// The scheme of the `Authorization` header (`"Bearer"`, `"token"`, …), nil when absent.
    public var authorizationScheme: String?
    /// The raw request body (empty for bodiless requests).
    public var body: Data
    /// The HTTP status the emulator answered with.
    public var responseStatus: Int
    /// What the bearer credential was: `installation` (a token this emulator minted), `pat` (a
    /// registered personal access token), `jwt` (three dot-separated segments, an App JWT) or
    /// `unregistered`; nil without a usable `Authorization` header.
    public var tokenKind: String?
    /// For `installation`: the ``EmulatedInstallationToken/id`` of the token used.
    public var tokenID: Int?
    /// When the emulator answered, on its clock (nil in records made before this field existed).
    public var answeredAt: Date?

    /// Creates a record.
    public init(
        method: String,
        path: String,
        query: String?,
        headers: [String: String],
        hasAuthorization: Bool,
        authorizationScheme: String?,
        body: Data,
        responseStatus: Int,
        tokenKind: String? = nil,
        tokenID: Int? = nil,
        answeredAt: Date? = nil
    ) {
        self.answeredAt = answeredAt
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.hasAuthorization = hasAuthorization
        self.authorizationScheme = authorizationScheme
        self.body = body
        self.responseStatus = responseStatus
        self.tokenKind = tokenKind
        self.tokenID = tokenID
    }

    /// The body decoded as UTF-8, nil if it is not valid UTF-8.
    public var bodyText: String? { String(data: body, encoding: .utf8) }

    /// The query decoded into name/value pairs (last value wins; `+` is not treated as a space).
    public var queryParameters: [String: String] {
        guard let query, !query.isEmpty else { return [:] }
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            result[name] = value
        }
        return result
    }
}
