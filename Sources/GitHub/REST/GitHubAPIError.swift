import DayshiftCore
import Foundation

/// A failed GitHub REST call. The description names the call and GitHub's message, never a token.
/// The GitHub emulator throws the same type from its routes and answers it as a ``GitHubErrorBody``.
public enum GitHubAPIError: TransientError, CustomStringConvertible, Sendable {
    /// GitHub answered with a non-success status. `errors` is GitHub's `errors` array, when present
    /// (422 Validation Failed carries `resource`, `field`, `code`, `message`).
    case response(call: String, status: Int, message: String, errors: [GitHubValidationError], retryAfterSeconds: Double?)
    /// No usable answer (connection refused, timeout, undecodable body).
    case transport(call: String, reason: String)

    public var description: String {
        switch self {
        case let .response(call, status, message, errors, _):
            let details = errors.compactMap { $0.message ?? [$0.field, $0.code].compactMap { $0 }.joined(separator: " ") }
            return "GitHub \(call): \(status) \(message)" + (details.isEmpty ? "" : " (\(details.joined(separator: "; ")))")
        case let .transport(call, reason):
            return "GitHub \(call): \(reason)"
        }
    }

    /// True for no answer, a 5xx, 429, and 403 with `Retry-After` (a secondary rate limit); false
    /// for every other answer (a 4xx is GitHub's verdict on the request).
    public var isTransient: Bool {
        switch self {
        case .transport:
            return true
        case let .response(_, status, _, _, retryAfter):
            return status >= 500 || status == 429 || (status == 403 && retryAfter != nil)
        }
    }

    /// The HTTP status, when GitHub answered.
    public var status: Int? {
        if case let .response(_, status, _, _, _) = self { return status }
        return nil
    }

    /// True for 422 "A pull request already exists for …" (see `../shared/reference/github.md` §5).
    public var isPullRequestAlreadyExists: Bool {
        guard case let .response(_, 422, _, errors, _) = self else { return false }
        return errors.contains { $0.message?.localizedCaseInsensitiveContains("already exists") == true }
    }
}
