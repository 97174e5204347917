/// A fault queued with ``GitHubEmulatorState/injectFault(method:pathPrefix:status:count:headers:message:)``:
/// the next `remaining` requests whose method and path match are answered with `status`,
/// `headers` and a GitHub-shaped ``GitHubErrorBody`` instead of being handled.
public struct InjectedFault: Sendable, Codable, Equatable {
    /// Upper-case method to match, or nil for any method.
    public var method: String?
    /// The request path must start with this (e.g. `/repos/o/r/pulls`); `/` matches everything.
    public var pathPrefix: String
    /// HTTP status to answer, e.g. 502, 429 or 403.
    public var status: Int
    /// How many more matching requests will get the fault.
    public var remaining: Int
    /// Extra response headers, e.g. `["retry-after": "1"]` or `["x-ratelimit-remaining": "0"]`.
    public var headers: [String: String]
    /// The `message` of the error body.
    public var message: String
    /// When true the request is handled first (its effect happens) and only the answer is
    /// replaced by the fault: a response lost on the way back, e.g. a `201` that never arrived.
    public var losesResponse: Bool?

    /// Creates a fault.
    public init(method: String?, pathPrefix: String, status: Int, remaining: Int, headers: [String: String], message: String,
                losesResponse: Bool = false) {
        self.losesResponse = losesResponse
        self.method = method?.uppercased()
        self.pathPrefix = pathPrefix
        self.status = status
        self.remaining = remaining
        self.headers = headers
        self.message = message
    }

    /// Whether a request with this method and path is affected.
    public func matches(method: String, path: String) -> Bool {
        remaining > 0 && (self.method == nil || self.method == method.uppercased()) && path.hasPrefix(pathPrefix)
    }

    /// GitHub's usual `message` for a status.
    public static func defaultMessage(forStatus status: Int) -> String {
        switch status {
        case 401: "Bad credentials"
        case 403, 429: "API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID."
        case 404: "Not Found"
        case 409: "Conflict"
        case 422: "Validation Failed"
        case 500, 502: "Server Error"
        case 503: "Service Unavailable"
        default: "Emulated fault"
        }
    }
}
