import Foundation
import Hummingbird

/// The error body of Daytona's main API (NestJS global filter):
/// `{"path", "timestamp", "statusCode", "error", "message"}`.
public struct DaytonaAPIErrorBody: Sendable, Codable, Equatable {
    /// The request URL path (with the `/api` prefix and the query), e.g. `/api/sandbox/x`.
    public var path: String
    /// ISO-8601 time of the answer.
    public var timestamp: String
    /// The HTTP status, e.g. `404`.
    public var statusCode: Int
    /// The reason phrase, e.g. `"Not Found"`, `"Too Many Requests"`.
    public var error: String
    /// What went wrong, e.g. `"Sandbox with ID or name x not found"`.
    public var message: String
}

/// The error body of Daytona's toolbox (proxy, runner and daemon, Go):
/// `{"statusCode", "message", "code", "timestamp", "path", "method"}`.
public struct DaytonaToolboxErrorBody: Sendable, Codable, Equatable {
    /// The HTTP status, e.g. `404`.
    public var statusCode: Int
    /// Prefixed by the kind, e.g. `"not found: session not found"`.
    public var message: String
    /// `BAD_REQUEST`, `NOT_FOUND`, `CONFLICT`, `REQUEST_TIMEOUT`, `UNAUTHORIZED`, … .
    public var code: String
    /// ISO-8601 time of the answer.
    public var timestamp: String
    /// The toolbox path as the daemon sees it, e.g. `/process/session/x`.
    public var path: String
    /// The request method, e.g. `GET`.
    public var method: String
}

/// Thrown by main-API handlers; the middleware renders it as a ``DaytonaAPIErrorBody``.
struct DaytonaAPIError: Error {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    static func sandboxNotFound(_ idOrName: String) -> DaytonaAPIError {
        DaytonaAPIError(.notFound, "Sandbox with ID or name \(idOrName) not found")
    }
    static let stateChangeInProgress = DaytonaAPIError(.conflict, "Sandbox state change in progress")
    static let unauthorized = DaytonaAPIError(.unauthorized, "Unauthorized")

    func response(path: String) -> Response {
        let body = DaytonaAPIErrorBody(
            path: path, timestamp: DaytonaJSON.timestamp(Date()), statusCode: Int(status.code),
            error: status.reasonPhrase, message: message)
        return DaytonaJSON.response(body, status: status, extraHeaders: headers)
    }
}

/// Thrown by toolbox handlers; the middleware renders it as a ``DaytonaToolboxErrorBody``, or
/// with an empty body where the daemon sends none.
struct DaytonaToolboxError: Error {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    /// Answer with the status only (`Content-Length: 0`), as several daemon handlers and the proxy do.
    var emptyBody = false

    init(_ status: HTTPResponse.Status, code: String, _ message: String, emptyBody: Bool = false) {
        self.status = status
        self.code = code
        self.message = message
        self.emptyBody = emptyBody
    }

    static func badRequest(_ detail: String) -> DaytonaToolboxError {
        DaytonaToolboxError(.badRequest, code: "BAD_REQUEST", "bad request: \(detail)")
    }
    static func invalidBody(_ detail: String) -> DaytonaToolboxError {
        DaytonaToolboxError(.badRequest, code: "INVALID_REQUEST_BODY", "bad request: invalid request body: \(detail)")
    }
    static func notFound(_ detail: String) -> DaytonaToolboxError {
        DaytonaToolboxError(.notFound, code: "NOT_FOUND", "not found: \(detail)")
    }
    static func conflict(_ detail: String) -> DaytonaToolboxError {
        DaytonaToolboxError(.conflict, code: "CONFLICT", "conflict: \(detail)")
    }
    static func internalError(_ detail: String) -> DaytonaToolboxError {
        DaytonaToolboxError(.internalServerError, code: "INTERNAL_SERVER_ERROR", "internal server error: \(detail)")
    }
    static let badGateway = DaytonaToolboxError(.badGateway, code: "", "", emptyBody: true)
    static let unauthorized = DaytonaToolboxError(
        .unauthorized, code: "UNAUTHORIZED", "unauthorized: authentication failed: Bearer token is invalid")
    static let execTimeout = DaytonaToolboxError(
        .requestTimeout, code: "REQUEST_TIMEOUT", "request timeout: command execution timeout")
    static let notStarted = DaytonaToolboxError.badRequest(
        "failed to resolve container IP after 3 attempts: no IP address found. Is the Sandbox started?")
    static func containerNotFound(_ id: String) -> DaytonaToolboxError {
        .notFound("sandbox container not found: \(id)")
    }

    func response(path: String, method: String) -> Response {
        if emptyBody {
            return Response(status: status, headers: [.contentLength: "0"], body: ResponseBody())
        }
        let body = DaytonaToolboxErrorBody(
            statusCode: Int(status.code), message: message, code: code, timestamp: DaytonaJSON.timestamp(Date()),
            path: path, method: method)
        return DaytonaJSON.response(body, status: status)
    }
}
