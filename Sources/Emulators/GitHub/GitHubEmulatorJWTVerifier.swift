import Foundation
import GitHub
import _CryptoExtras

/// Checks an App JWT the way GitHub does before `/app…` and `GET /repos/{owner}/{repo}/installation`,
/// answering 401 with GitHub's messages:
///
/// | problem | message |
/// | --- | --- |
/// | not three base64url segments, not `alg: RS256`, bad JSON, bad signature, no app registered | `A JSON web token could not be decoded` |
/// | `iss` is neither the App ID nor its client ID | `Integration not found` |
/// | `exp` missing or not after now | `'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires` |
/// | `iat` missing or after now | `'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued` |
/// | `exp` more than 10 minutes after `iat` or after now | `'Expiration time' claim ('exp') is too far in the future` |
enum GitHubEmulatorJWTVerifier {
    static let undecodable = "A JSON web token could not be decoded"
    static let unknownIssuer = "Integration not found"
    static let expired = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
    static let issuedInFuture = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
    static let tooLong = "'Expiration time' claim ('exp') is too far in the future"
    /// GitHub's cap on a JWT's lifetime, seconds.
    static let maxLifetimeSeconds: Int64 = 600

    /// Verifies `token` for `app` at `now`.
    /// - Throws: ``GitHubAPIError`` 401 with one of the messages above.
    static func verify(_ token: String, app: RegisteredApp?, now: Date) throws {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard let app, parts.count == 3,
              let headerData = GitHubAppJWT.base64URLDecode(parts[0]),
              let payloadData = GitHubAppJWT.base64URLDecode(parts[1]),
              let signature = GitHubAppJWT.base64URLDecode(parts[2]),
              let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
              header["alg"] as? String == "RS256",
              let claims = try? JSONSerialization.jsonObject(with: payloadData) as? [String: Any],
              let publicKey = try? _RSA.Signing.PublicKey(pemRepresentation: app.publicKeyPEM),
              publicKey.isValidSignature(
                  _RSA.Signing.RSASignature(rawRepresentation: signature),
                  for: Data("\(parts[0]).\(parts[1])".utf8), padding: .insecurePKCS1v1_5)
        else { throw unauthorized(undecodable) }

        let issuer = (claims["iss"] as? String) ?? integer(claims["iss"]).map { String($0) }
        guard let issuer, issuer == String(app.id) || (app.clientID != nil && issuer == app.clientID) else {
            throw unauthorized(unknownIssuer)
        }
        let seconds = Int64(now.timeIntervalSince1970)
        guard let exp = integer(claims["exp"]), exp > seconds else { throw unauthorized(expired) }
        guard let iat = integer(claims["iat"]), iat <= seconds else { throw unauthorized(issuedInFuture) }
        guard exp - iat <= maxLifetimeSeconds, exp - seconds <= maxLifetimeSeconds else { throw unauthorized(tooLong) }
    }

    private static func integer(_ value: Any?) -> Int64? {
        switch value {
        case let value as Int: Int64(value)
        case let value as Int64: value
        case let value as Double: Int64(value)
        case let value as NSNumber: value.int64Value
        default: nil
        }
    }

    static func unauthorized(_ message: String) -> GitHubAPIError {
        GitHubAPIError(.unauthorized, message: message)
    }
}
