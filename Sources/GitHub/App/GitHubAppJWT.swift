import Foundation

/// A signed GitHub App JSON Web Token (RS256), the credential for `/app…` endpoints,
/// `POST /app/installations/{installation_id}/access_tokens` and `GET /repos/{owner}/{repo}/installation`.
///
/// Header `{"alg":"RS256","typ":"JWT"}`; claims `iat` = now − ``backdateSeconds`` (clock drift),
/// `exp` = `iat` + ``lifetimeSeconds`` (GitHub refuses more than 10 minutes), `iss` = the app id as a
/// string. Segments are base64url without padding. The description never shows the token.
public struct GitHubAppJWT: Sendable, CustomStringConvertible {
    /// `header.payload.signature`, for `Authorization: Bearer <token>`.
    public let token: String
    /// The `iat` claim.
    public let issuedAt: Date
    /// The `exp` claim.
    public let expiresAt: Date

    /// Seconds `iat` is set into the past: 60.
    public static let backdateSeconds: TimeInterval = 60
    /// Seconds from `iat` to `exp`: 540 (9 minutes, under GitHub's 10-minute cap).
    public static let lifetimeSeconds: TimeInterval = 540

    /// Signs a JWT for `appID` issued relative to `now` (whole seconds).
    /// - Throws: ``GitHubAuthError/invalidAppID``, ``GitHubAuthError/signingFailed``.
    public static func sign(appID: String, key: GitHubAppPrivateKey, now: Date) throws -> GitHubAppJWT {
        guard !appID.isEmpty, !appID.contains(where: \.isWhitespace) else { throw GitHubAuthError.invalidAppID }
        let iat = Int64((now.timeIntervalSince1970 - backdateSeconds).rounded(.down))
        let exp = iat + Int64(lifetimeSeconds)
        let header = #"{"alg":"RS256","typ":"JWT"}"#
        let payload = try JSONSerialization.data(
            withJSONObject: ["iat": iat, "exp": exp, "iss": appID] as [String: Any], options: [.sortedKeys]
        )
        let signingInput = base64URL(Data(header.utf8)) + "." + base64URL(payload)
        let signature = try key.signRS256(Data(signingInput.utf8))
        return GitHubAppJWT(
            token: signingInput + "." + base64URL(signature),
            issuedAt: Date(timeIntervalSince1970: TimeInterval(iat)),
            expiresAt: Date(timeIntervalSince1970: TimeInterval(exp))
        )
    }

    public var description: String {
        "GitHubAppJWT(iat: \(Int64(issuedAt.timeIntervalSince1970)), exp: \(Int64(expiresAt.timeIntervalSince1970)))"
    }

    /// Base64url (RFC 4648 §5) without `=` padding.
    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes base64url with or without padding; nil when malformed.
    public static func base64URLDecode(_ text: some StringProtocol) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
