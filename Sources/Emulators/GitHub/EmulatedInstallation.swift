import Foundation

/// A GitHub App registered with ``GitHubEmulatorState/registerApp(id:slug:publicKeyPEM:clientID:)``.
public struct RegisteredApp: Sendable, Equatable {
    /// The App ID; a JWT's `iss` must be this number (as a string or a number) or ``clientID``.
    public var id: Int64
    /// The app's slug; its bot user is `<slug>[bot]`.
    public var slug: String
    /// The public key (SubjectPublicKeyInfo PEM) JWT signatures are verified with.
    public var publicKeyPEM: String
    /// The app's client ID, also accepted as `iss`.
    public var clientID: String?
}

/// An installation of the registered app on an account, added with
/// ``GitHubEmulatorState/addInstallation(id:account:repositories:permissions:)``.
public struct EmulatedInstallation: Sendable, Equatable {
    /// The installation id (`installation.id` in webhooks).
    public var id: Int64
    /// The user or organisation login the app is installed on; it owns the repositories.
    public var account: String
    /// Repository names (no owner) the installation covers; nil = every repository of ``account``
    /// (`repository_selection: all`).
    public var repositories: [String]?
    /// What the installation granted, e.g. `["contents": "write", "metadata": "read"]`.
    public var permissions: [String: String]

    /// Permissions granted when none are given: contents, pull_requests, issues, checks write; metadata read.
    public static let defaultPermissions = [
        "contents": "write", "pull_requests": "write", "issues": "write", "checks": "write", "metadata": "read",
    ]

    /// Whether `owner/repo` belongs to this installation (case-insensitive).
    public func covers(owner: String, repo: String) -> Bool {
        guard owner.lowercased() == account.lowercased() else { return false }
        return repositories.map { $0.contains { $0.lowercased() == repo.lowercased() } } ?? true
    }
}

/// An installation access token the emulator minted. The token text itself is not part of it.
public struct EmulatedInstallationToken: Sendable, Equatable {
    /// Sequence number of the mint (1, 2, …); ``RecordedRequest/tokenID`` refers to it.
    public var id: Int
    /// The installation it acts for.
    public var installationID: Int64
    /// Lower-cased repository names it is narrowed to; nil = every repository of the installation.
    public var repositories: [String]?
    /// Its permissions (always including `metadata: read`).
    public var permissions: [String: String]
    /// One hour after minting, on the emulator's clock.
    public var expiresAt: Date
    /// Set by ``GitHubEmulatorState/revokeInstallationTokens()``.
    public var revoked: Bool
}

/// Permission levels in increasing order: `read` < `write` < `admin`.
enum PermissionLevel {
    static func rank(_ level: String?) -> Int {
        switch level {
        case "read": 1
        case "write": 2
        case "admin": 3
        default: 0
        }
    }
}
