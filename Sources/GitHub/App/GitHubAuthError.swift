import DayshiftCore

/// A GitHub App credential Dayshift cannot use. Messages say what to fix and never contain key
/// material or tokens.
public enum GitHubAuthError: TransientError, CustomStringConvertible, Sendable, Equatable {
    /// The private key text is not an RSA private key in PEM form (PKCS#1 `BEGIN RSA PRIVATE KEY`
    /// or PKCS#8 `BEGIN PRIVATE KEY`), or the key is too small for `_CryptoExtras` (< 2048 bits).
    case invalidPrivateKey(reason: String)
    /// The app id is empty or contains whitespace.
    case invalidAppID
    /// Signing the App JWT failed (should not happen with a key that loaded).
    case signingFailed

    /// Always false: a credential is fixed by its operator, not by waiting.
    public var isTransient: Bool { false }

    public var description: String {
        switch self {
        case .invalidPrivateKey(let reason):
            "GitHub App private key unusable: \(reason). Use the .pem file downloaded from the app's settings page "
                + "(BEGIN RSA PRIVATE KEY) or its PKCS#8 form (BEGIN PRIVATE KEY)."
        case .invalidAppID:
            "GitHub App id is empty or malformed; use the numeric App ID (or the client ID) from the app's settings page."
        case .signingFailed:
            "GitHub App JWT could not be signed with the configured private key."
        }
    }
}
