import GitHub
import Sandboxes
import Store

/// Tells transient step errors (worth a retry after a back-off) from permanent ones.
enum StepErrorClassifier {
    /// True for network trouble, GitHub 5xx/429 (and 403 with `Retry-After`), and sandbox provider
    /// hiccups; false for ``StepFailure`` (a command's verdict, a bad setting) and other 4xx.
    static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case is StepFailure:
            return false
        case let error as GitHubAPIError:
            switch error {
            case .transport:
                return true
            case let .response(_, status, _, _, retryAfter):
                return status >= 500 || status == 429 || (status == 403 && retryAfter != nil)
            }
        case let error as SandboxError:
            switch error {
            case .createFailed, .commandFailedToStart, .gitFailed, .notFound:
                return true
            case .fileNotFound, .invalidPath:
                return false
            }
        case is StoreError, is GitHubAuthError, is GitDataPublisher.BranchTaken, is SandboxChange.Invalid:
            return false
        default:
            return true
        }
    }
}
