import Emulators
import Foundation
import GitHub
import Testing
import _CryptoExtras

/// App JWTs: RS256 over the PEM key, GitHub's claims, PKCS#1 and PKCS#8 keys, reuse until a minute before `exp`.
@Suite("GitHubAppJWT")
struct GitHubAppJWTTests {
    /// Splits a JWT into its decoded header, claims, signing input and signature.
    static func decode(_ token: String) throws -> (header: [String: Any], claims: [String: Any], signingInput: String, signature: Data) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        #expect(!token.contains("="), "base64url without padding")
        let headerData = try #require(GitHubAppJWT.base64URLDecode(parts[0]))
        let claimsData = try #require(GitHubAppJWT.base64URLDecode(parts[1]))
        let signature = try #require(GitHubAppJWT.base64URLDecode(parts[2]))
        let header = try #require(try JSONSerialization.jsonObject(with: headerData) as? [String: Any])
        let claims = try #require(try JSONSerialization.jsonObject(with: claimsData) as? [String: Any])
        return (header, claims, "\(parts[0]).\(parts[1])", signature)
    }

    static func verifies(_ token: String, publicKeyPEM: String) throws -> Bool {
        let (_, _, input, signature) = try decode(token)
        let key = try _RSA.Signing.PublicKey(pemRepresentation: publicKeyPEM)
        return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: Data(input.utf8), padding: .insecurePKCS1v1_5)
    }

    @Test func jwtCarriesGitHubsClaimsAndVerifiesWithThePublicKey() throws {
        let pair = try GitHubEmulatorAppKey.shared()
        let key = try GitHubAppPrivateKey(pemRepresentation: pair.privateKeyPEM)
        let now = Date(timeIntervalSince1970: 1_700_000_000.7)
        let jwt = try GitHubAppJWT.sign(appID: "4242", key: key, now: now)
        let (header, claims, _, _) = try Self.decode(jwt.token)
        #expect(header["alg"] as? String == "RS256")
        #expect(header["typ"] as? String == "JWT")
        #expect(claims["iat"] as? Int == 1_700_000_000 - 60)
        #expect(claims["exp"] as? Int == 1_700_000_000 - 60 + 540)
        #expect(claims["iss"] as? String == "4242", "iss is the app id as a string")
        #expect(jwt.issuedAt == Date(timeIntervalSince1970: 1_700_000_000 - 60))
        #expect(jwt.expiresAt.timeIntervalSince(jwt.issuedAt) == 540)
        #expect(try Self.verifies(jwt.token, publicKeyPEM: pair.publicKeyPEM))
        #expect(!jwt.description.contains(jwt.token))

        // A token signed by another key does not verify against this public key.
        let other = try GitHubAppPrivateKey(pemRepresentation: try GitHubEmulatorAppKey.generate().privateKeyPEM)
        let foreign = try GitHubAppJWT.sign(appID: "4242", key: other, now: now)
        #expect(try Self.verifies(foreign.token, publicKeyPEM: pair.publicKeyPEM) == false)
    }

    @Test func pkcs1AndPkcs8KeysBothLoadAndSignAlike() throws {
        let pair = try GitHubEmulatorAppKey.shared()
        #expect(pair.privateKeyPEM.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
        #expect(pair.pkcs8PrivateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        for pem in [pair.privateKeyPEM, "\n  " + pair.pkcs8PrivateKeyPEM + "\n"] {
            let key = try GitHubAppPrivateKey(pemRepresentation: pem)
            #expect(key.publicKeyPEM == pair.publicKeyPEM)
            let jwt = try GitHubAppJWT.sign(appID: "7", key: key, now: now)
            #expect(try Self.verifies(jwt.token, publicKeyPEM: pair.publicKeyPEM))
        }
    }

    @Test func unusableKeysFailClearlyWithoutShowingTheKey() throws {
        let pair = try GitHubEmulatorAppKey.shared()
        let cases: [(String, String)] = [
            ("not a key at all", "no PEM header"),
            (pair.publicKeyPEM, "\"PUBLIC KEY\""),
            ("-----BEGIN RSA PRIVATE KEY-----\nAAAAsecretish\n-----END RSA PRIVATE KEY-----", "not a readable RSA key"),
        ]
        for (pem, expected) in cases {
            let error = try #require(throws: GitHubAuthError.self) { try GitHubAppPrivateKey(pemRepresentation: pem) }
            #expect(error.description.contains(expected), "\(error)")
            #expect(!error.description.contains("AAAAsecretish"))
        }
        #expect(throws: GitHubAuthError.self) {
            try GitHubAuthenticator(credentials: .app(appID: "1", privateKeyPEM: "junk"), baseURL: URL(string: "http://127.0.0.1:1")!)
        }
        let key = try GitHubAppPrivateKey(pemRepresentation: pair.privateKeyPEM)
        #expect(throws: GitHubAuthError.invalidAppID) { try GitHubAppJWT.sign(appID: "", key: key, now: Date()) }
        #expect(!String(describing: key).contains("PRIVATE"))
    }

    @Test func sourceReusesOneJWTUntilAMinuteBeforeExpiry() async throws {
        let clock = GitHubEmulatorClock(base: { Date(timeIntervalSince1970: 1_700_000_000) })
        let key = try GitHubAppPrivateKey(pemRepresentation: try GitHubEmulatorAppKey.shared().privateKeyPEM)
        let source = GitHubAppJWTSource(appID: "9", key: key, now: { clock.now() })
        let first = try await source.jwt()
        clock.advance(by: 419)  // exp is 480 s ahead: 61 s left
        #expect(try await source.jwt().token == first.token)
        clock.advance(by: 2)  // 59 s left
        let second = try await source.jwt()
        #expect(second.token != first.token)
        #expect(second.issuedAt == Date(timeIntervalSince1970: 1_700_000_000 + 421 - 60))
        await source.invalidate(second.token)
        #expect(await source.currentToken == nil)
    }
}
