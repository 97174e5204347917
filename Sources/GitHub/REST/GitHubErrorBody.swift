import Foundation

/// The JSON error body GitHub's REST API returns with every 4xx/5xx answer:
/// `{"message": "...", "documentation_url": "...", "errors": [...]?, "status": "422"?}`
/// (the `basic-error` and `validation-error` schemas of GitHub's OpenAPI description).
/// ``GitHubClient`` reads it into ``GitHubAPIError/response(call:status:message:errors:retryAfterSeconds:)``;
/// the GitHub emulator writes it. Decoding is lenient: a missing field takes its default.
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

    /// Decodes GitHub's body; `message` and `documentation_url` default to empty when absent.
    /// - Throws: `DecodingError` when the body is not a JSON object or a field has the wrong type.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
        documentationURL = try container.decodeIfPresent(String.self, forKey: .documentationURL) ?? ""
        errors = try container.decodeIfPresent([GitHubValidationError].self, forKey: .errors)
        status = try container.decodeIfPresent(String.self, forKey: .status)
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
/// Every field is optional when decoding, as GitHub leaves some out.
public struct GitHubValidationError: Sendable, Codable, Equatable {
    /// The resource type, e.g. `"PullRequest"`, `"IssueComment"`, `"Reaction"`.
    public var resource: String?
    /// The offending request field, when GitHub names one.
    public var field: String?
    /// `missing_field`, `invalid`, `already_exists` or `custom`.
    public var code: String?
    /// Free text that comes with `code == "custom"`.
    public var message: String?

    /// Creates a validation error entry.
    public init(resource: String? = nil, field: String? = nil, code: String? = nil, message: String? = nil) {
        self.resource = resource
        self.field = field
        self.code = code
        self.message = message
    }
}
