import Foundation
import Synchronization
import _CryptoExtras

/// An RSA key pair for an emulated GitHub App: register ``publicKeyPEM`` with the emulator
/// (``GitHubEmulatorState/registerApp(id:slug:key:)``) and give ``privateKeyPEM`` to Dayshift.
///
/// Generating a 2048-bit key takes a noticeable moment, so tests share ``shared()``.
public struct GitHubEmulatorAppKey: Sendable {
    /// PKCS#1 (`-----BEGIN RSA PRIVATE KEY-----`), the form GitHub's settings page downloads.
    public let privateKeyPEM: String
    /// The same key as PKCS#8 (`-----BEGIN PRIVATE KEY-----`).
    public let pkcs8PrivateKeyPEM: String
    /// SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`).
    public let publicKeyPEM: String

    /// A fresh 2048-bit key pair.
    /// - Throws: the underlying crypto error (not expected in practice).
    public static func generate() throws -> GitHubEmulatorAppKey {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        return GitHubEmulatorAppKey(
            privateKeyPEM: key.pemRepresentation, pkcs8PrivateKeyPEM: key.pkcs8PEMRepresentation,
            publicKeyPEM: key.publicKey.pemRepresentation
        )
    }

    private static let cached = Mutex<GitHubEmulatorAppKey?>(nil)

    /// One key pair per process, generated on first use.
    public static func shared() throws -> GitHubEmulatorAppKey {
        try cached.withLock { cached in
            if let cached { return cached }
            let key = try generate()
            cached = key
            return key
        }
    }
}
