import Foundation
import _CryptoExtras

/// A GitHub App's RSA private key, loaded from PEM text.
///
/// Accepts PKCS#1 (`-----BEGIN RSA PRIVATE KEY-----`, what GitHub's settings page downloads) and
/// PKCS#8 (`-----BEGIN PRIVATE KEY-----`). The key never appears in descriptions or errors.
public struct GitHubAppPrivateKey: Sendable, CustomStringConvertible {
    let key: _RSA.Signing.PrivateKey

    /// - Parameter pemRepresentation: the PEM text (surrounding whitespace is ignored).
    /// - Throws: ``GitHubAuthError/invalidPrivateKey(reason:)`` when the text is not a usable RSA
    ///   private key; the reason names the PEM label found, never the key.
    public init(pemRepresentation: String) throws {
        let text = pemRepresentation.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let label = Self.pemLabel(of: text) else {
            throw GitHubAuthError.invalidPrivateKey(reason: "no PEM header (-----BEGIN …-----) found")
        }
        guard label == "RSA PRIVATE KEY" || label == "PRIVATE KEY" else {
            throw GitHubAuthError.invalidPrivateKey(reason: "PEM block is \"\(label)\", expected \"RSA PRIVATE KEY\" or \"PRIVATE KEY\"")
        }
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: text)
        } catch {
            throw GitHubAuthError.invalidPrivateKey(reason: "the \"\(label)\" block is not a readable RSA key of at least 2048 bits")
        }
    }

    /// The matching public key as PEM (`-----BEGIN PUBLIC KEY-----`, SubjectPublicKeyInfo).
    public var publicKeyPEM: String { key.publicKey.pemRepresentation }

    /// RS256: RSASSA-PKCS1-v1_5 over the SHA-256 digest of `data`.
    func signRS256(_ data: Data) throws -> Data {
        do {
            let signature = try key.signature(for: data, padding: .insecurePKCS1v1_5)
            return signature.rawRepresentation
        } catch {
            throw GitHubAuthError.signingFailed
        }
    }

    public var description: String { "GitHubAppPrivateKey(RSA \(key.keySizeInBits) bits)" }

    /// The label of the first `-----BEGIN <label>-----` line.
    static func pemLabel(of text: String) -> String? {
        guard let begin = text.range(of: "-----BEGIN ") else { return nil }
        guard let end = text.range(of: "-----", range: begin.upperBound..<text.endIndex) else { return nil }
        return String(text[begin.upperBound..<end.lowerBound])
    }
}
