import Foundation
import GitHub
import Hummingbird

// The emulator's routes throw the GitHub module's own ``GitHubAPIError``; the middleware answers
// it as GitHub would, with a ``GitHubErrorBody``.
extension GitHubAPIError {
    /// GitHub answering `status` with `message` (and, on 422, the validation `errors`).
    init(_ status: HTTPResponse.Status, message: String, errors: [GitHubValidationError]? = nil) {
        self = .response(call: "emulated GitHub", status: status.code, message: message, errors: errors ?? [], retryAfterSeconds: nil)
    }

    static let notFound = GitHubAPIError(.notFound, message: "Not Found")
    static let problemsParsingJSON = GitHubAPIError(.badRequest, message: "Problems parsing JSON")
    static let requiresAuthentication = GitHubAPIError(.unauthorized, message: "Requires authentication")

    static func validationFailed(_ errors: [GitHubValidationError]) -> GitHubAPIError {
        GitHubAPIError(.unprocessableContent, message: "Validation Failed", errors: errors)
    }

    /// The answer GitHub gives: the status, `Retry-After` when set, and the JSON error body.
    var response: Response {
        switch self {
        case let .response(_, status, message, errors, retryAfterSeconds):
            var headers: HTTPFields = [:]
            if let retryAfterSeconds { headers[.retryAfter] = String(Int(retryAfterSeconds.rounded(.up))) }
            let body = GitHubErrorBody(message: message, errors: errors.isEmpty ? nil : errors, status: status)
            return GitHubEmulatorResponse.json(body, status: HTTPResponse.Status(code: status), extraHeaders: headers)
        case .transport:
            return GitHubEmulatorResponse.json(GitHubErrorBody(message: "Server Error", status: 500), status: .internalServerError)
        }
    }
}
