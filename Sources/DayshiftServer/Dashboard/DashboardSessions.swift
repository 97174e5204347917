import Crypto
import Foundation

/// The dashboard's sign-in sessions, kept in the browser only: a session is the cookie value
/// `v1.<expiry, Unix seconds>.<random nonce>.<HMAC-SHA256 of the rest>`, so the server keeps no
/// session table. The keys are derived from the operator token with HKDF-SHA256, so changing
/// the token signs every browser out. A form's CSRF token is the HMAC of the session under a
/// second derived key: only a page served to that session can carry it.
///
/// Every comparison of secrets (the operator token, a session's MAC, a CSRF token) takes the same
/// time whatever was presented.
struct DashboardSessions: Sendable {
    /// The session cookie's name.
    static let cookieName = "dayshift_session"
    /// How long a sign-in lasts: 12 hours.
    static let lifetime: TimeInterval = 12 * 3600

    private let expectedToken: SHA256.Digest
    private let sessionKey: SymmetricKey
    private let csrfKey: SymmetricKey

    /// - Parameter operatorToken: the configured operator token; must not be empty.
    init(operatorToken: String) {
        expectedToken = SHA256.hash(data: Data(operatorToken.utf8))
        let material = SymmetricKey(data: Data(operatorToken.utf8))
        sessionKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: material, info: Data("dayshift dashboard session v1".utf8), outputByteCount: 32)
        csrfKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: material, info: Data("dayshift dashboard csrf v1".utf8), outputByteCount: 32)
    }

    /// True when `presented` is the operator token (both sides hashed, digests compared in constant time).
    func isOperatorToken(_ presented: String) -> Bool {
        SHA256.hash(data: Data(presented.trimmingCharacters(in: .whitespacesAndNewlines).utf8)) == expectedToken
    }

    /// A new session valid for ``lifetime`` from `now`.
    func newSession(now: Date = Date()) -> String {
        let expiry = Int64((now.addingTimeInterval(Self.lifetime).timeIntervalSince1970).rounded(.down))
        let nonce = SymmetricKey(size: .bits128).withUnsafeBytes { Self.base64URL(Data($0)) }
        let body = "v1.\(expiry).\(nonce)"
        return "\(body).\(Self.base64URL(Data(HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: sessionKey))))"
    }

    /// True when `session` is one this server signed with the current token and it has not expired.
    func isValid(_ session: String, now: Date = Date()) -> Bool {
        let parts = session.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "v1", let expiry = Int64(parts[1]), let mac = Self.data(base64URL: parts[3]) else { return false }
        let body = parts[0...2].joined(separator: ".")
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(body.utf8), using: sessionKey) else { return false }
        let remaining = TimeInterval(expiry) - now.timeIntervalSince1970
        return remaining > 0 && remaining <= Self.lifetime + 60
    }

    /// The CSRF token that forms on pages served to `session` carry.
    func csrfToken(for session: String) -> String {
        Self.base64URL(Data(HMAC<SHA256>.authenticationCode(for: Data(session.utf8), using: csrfKey)))
    }

    /// True when `presented` is `session`'s CSRF token.
    func isCSRFToken(_ presented: String, for session: String) -> Bool {
        guard let mac = Self.data(base64URL: Substring(presented)) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(session.utf8), using: csrfKey)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: Substring) -> Data? {
        guard !text.isEmpty, text.count <= 128 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
