import Foundation

/// Installation access tokens per ``InstallationTokenScope``, renewed ahead of expiry.
///
/// A token is handed out while more than ``renewalMarginSeconds`` remain before its `expires_at`
/// (GitHub's tokens live one hour and cannot be extended); after that the next request mints a
/// new one, so a job that asks per request keeps working past the hour. Concurrent requests for
/// the same scope share one mint. ``invalidate(_:token:)`` drops a token GitHub refused (401).
public actor InstallationTokenCache {
    /// Mints a token for a scope: `POST /app/installations/{installation_id}/access_tokens` in production.
    public typealias Mint = @Sendable (InstallationTokenScope) async throws -> InstallationAccessToken

    /// Tokens with less than this many seconds left are renewed: 300 (5 minutes).
    public static let renewalMarginSeconds: TimeInterval = 300
    /// Minted tokens are remembered for redaction until this many seconds after they expired: 3600.
    static let redactionMemorySeconds: TimeInterval = 3600

    private let mint: Mint
    private let now: @Sendable () -> Date
    private var tokens: [InstallationTokenScope: InstallationAccessToken] = [:]
    private var minting: [InstallationTokenScope: Task<InstallationAccessToken, any Error>] = [:]
    private var minted: [InstallationAccessToken] = []

    /// - Parameters:
    ///   - now: the clock deciding when a token is due for renewal; inject one in tests.
    ///   - mint: asked for a new token when none is cached or the cached one is due.
    public init(now: @escaping @Sendable () -> Date = { Date() }, mint: @escaping Mint) {
        self.now = now
        self.mint = mint
    }

    /// A token for `scope` with more than ``renewalMarginSeconds`` to live.
    /// - Throws: whatever `mint` throws (``GitHubAPIError``, ``GitHubAuthError``).
    public func token(for scope: InstallationTokenScope) async throws -> InstallationAccessToken {
        if let cached = tokens[scope], cached.expiresAt.timeIntervalSince(now()) > Self.renewalMarginSeconds {
            return cached
        }
        if let running = minting[scope] {
            return try await running.value
        }
        let mint = self.mint
        let task = Task { try await mint(scope) }
        minting[scope] = task
        defer { minting[scope] = nil }
        let fresh = try await task.value
        tokens[scope] = fresh
        minted.append(fresh)
        mintCount += 1
        return fresh
    }

    /// Drops `token` for `scope` if it is still the cached one (GitHub answered 401 to it), so the
    /// next ``token(for:)`` mints again.
    public func invalidate(_ scope: InstallationTokenScope, token: String) {
        if tokens[scope]?.token == token { tokens[scope] = nil }
    }

    /// Every token minted that expired less than an hour ago (or is still live), for redaction.
    public func knownTokens() -> [String] {
        let cutoff = now().addingTimeInterval(-Self.redactionMemorySeconds)
        minted.removeAll { $0.expiresAt < cutoff }
        return minted.map(\.token)
    }

    /// How many tokens have been minted so far (for tests and metrics).
    public private(set) var mintCount = 0
}
