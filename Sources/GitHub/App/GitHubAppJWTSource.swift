import Foundation

/// Hands out the App JWT, signing a new one only when the current one has less than
/// ``reuseMarginSeconds`` left (GitHub's advice: reuse one JWT until about a minute before `exp`).
public actor GitHubAppJWTSource {
    /// A JWT is replaced once fewer than this many seconds remain before its `exp`: 60.
    public static let reuseMarginSeconds: TimeInterval = 60

    private let appID: String
    private let key: GitHubAppPrivateKey
    private let now: @Sendable () -> Date
    private var current: GitHubAppJWT?

    /// - Parameters:
    ///   - appID: the `iss` claim: the numeric App ID (as text) or the app's client ID.
    ///   - key: the app's private key.
    ///   - now: the clock; inject one in tests.
    public init(appID: String, key: GitHubAppPrivateKey, now: @escaping @Sendable () -> Date = { Date() }) {
        self.appID = appID
        self.key = key
        self.now = now
    }

    /// The current JWT, freshly signed when none is cached or it is about to expire.
    /// - Throws: ``GitHubAuthError``.
    public func jwt() throws -> GitHubAppJWT {
        let date = now()
        if let current, current.expiresAt.timeIntervalSince(date) > Self.reuseMarginSeconds, current.issuedAt <= date {
            return current
        }
        let fresh = try GitHubAppJWT.sign(appID: appID, key: key, now: date)
        current = fresh
        return fresh
    }

    /// Drops the cached JWT (after GitHub refused it, e.g. for clock drift) so the next call signs anew.
    public func invalidate(_ token: String) {
        if current?.token == token { current = nil }
    }

    /// The cached JWT's text, if any (for redaction).
    public var currentToken: String? { current?.token }
}
