import Foundation
import Hummingbird

/// The JSON error body GitHub's REST API returns for every 4xx/5xx answer:
/// `{"message": "...", "documentation_url": "...", "errors": [...]?, "status": "422"?}`.
///
/// Mirrors the `basic-error` and `validation-error` schemas of the GitHub OpenAPI description.
public struct GitHubErrorBody: Sendable, Codable, Equatable {
    /// Human-readable summary, e.g. `"Not Found"`, `"Validation Failed"`, `"Requires authentication"`.
    public var message: String
    /// Link to the docs page for the endpoint (any stable URL; GitHub's are not a contract).
    public var documentationURL: String
    /// Present on 422 `Validation Failed` answers only.
    public var errors: [GitHubValidationError]?
    /// The HTTP status as a string (`"404"`), as today's GitHub sends it.
    public var status: String?

    /// The documentation link used when none is given.
    public static let defaultDocumentationURL = "https://docs.github.com/rest"

    /// Creates an error body.
    public init(
        message: String,
        documentationURL: String = GitHubErrorBody.defaultDocumentationURL,
        errors: [GitHubValidationError]? = nil,
        status: Int? = nil
    ) {
        self.message = message
        self.documentationURL = documentationURL
        self.errors = errors
        self.status = status.map(String.init)
    }

    enum CodingKeys: String, CodingKey {
        case message
        case documentationURL = "documentation_url"
        case errors
        case status
    }
}

/// One entry of the `errors` array of a GitHub 422 answer:
/// `{"resource": "PullRequest", "field": "head", "code": "missing_field"}` or
/// `{"resource": "PullRequest", "code": "custom", "message": "A pull request already exists for o:b."}`.
public struct GitHubValidationError: Sendable, Codable, Equatable {
    /// The resource type, e.g. `"PullRequest"`, `"IssueComment"`, `"Reaction"`.
    public var resource: String
    /// The offending request field, when GitHub names one.
    public var field: String?
    /// `missing_field`, `invalid`, `already_exists` or `custom`.
    public var code: String
    /// Free text that comes with `code == "custom"`.
    public var message: String?

    /// Creates a validation error entry.
    public init(resource: String, field: String? = nil, code: String, message: String? = nil) {
        self.resource = resource
        self.field = field
        self.code = code
        self.message = message
    }
}

/// An error thrown by route handlers; the middleware turns it into a GitHub-shaped response.
struct GitHubAPIError: Error {
    var status: HTTPResponse.Status
    var body: GitHubErrorBody
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, message: String, errors: [GitHubValidationError]? = nil) {
        self.status = status
        self.body = GitHubErrorBody(message: message, errors: errors, status: status.code)
    }

    static let notFound = GitHubAPIError(.notFound, message: "Not Found")
    static let problemsParsingJSON = GitHubAPIError(.badRequest, message: "Problems parsing JSON")
    static let requiresAuthentication = GitHubAPIError(.unauthorized, message: "Requires authentication")

    static func validationFailed(_ errors: [GitHubValidationError]) -> GitHubAPIError {
        GitHubAPIError(.unprocessableContent, message: "Validation Failed", errors: errors)
    }

    var response: Response {
        GitHubEmulatorResponse.json(body, status: status, extraHeaders: headers)
    }
}
