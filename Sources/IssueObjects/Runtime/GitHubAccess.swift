import DayshiftCore
import GitHub

/// How runs reach GitHub: a client per repository, and the read-only token a sandbox may clone with.
/// ``GitHub/GitHubAuthenticator`` is the implementation (an App's installation access tokens, or a
/// personal access token).
public protocol GitHubAccess: Sendable {
    /// A client whose requests carry a token good for `repository` (an installation access token
    /// narrowed to it, renewed ahead of expiry, or a personal access token).
    /// - Parameter installationID: the delivery's `installation.id`, when it had one.
    func client(for repository: RepositoryName, installationID: Int64?) async throws -> GitHubClient

    /// A token that can only read `repository` (`contents: read`, narrowed to it), for cloning a
    /// private repository inside a sandbox; `nil` when there is none to give (a personal access
    /// token can write, so it never enters a sandbox).
    func cloneToken(for repository: RepositoryName, installationID: Int64?) async throws -> String?

    /// Every secret value held right now (keys, minted tokens), for redaction.
    func knownSecrets() async -> [String]
}

extension GitHubAuthenticator: GitHubAccess {}
