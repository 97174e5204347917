import DayshiftCore

/// The answer of `GET /repos/{owner}/{repo}/collaborators/{username}/permission`
/// (`repository-collaborator-permission`): `permission` is `admin`, `write`, `read` or `none`
/// (maintain reads as write, triage as read); `role_name` names the exact role.
public struct CollaboratorPermission: Decodable, Sendable, Equatable {
    public var permission: String?
    public var roleName: String?

    enum CodingKeys: String, CodingKey { case permission, roleName = "role_name" }

    /// The role as a ``DayshiftCore/RepositoryPermission``.
    public var level: RepositoryPermission { RepositoryPermission(roleName: roleName, permission: permission) }
}

extension GitHubClient {
    /// `GET /repos/{owner}/{repo}/collaborators/{username}/permission` → 200 `repository-collaborator-permission`.
    /// Needs `metadata: read`. A login GitHub does not know answers 404.
    /// - Throws: ``GitHubAPIError``.
    public func collaboratorPermission(_ repo: RepositoryName, username: String) async throws -> CollaboratorPermission {
        try await send("GET", "/repos/\(repo.owner)/\(repo.name)/collaborators/\(username)/permission")
    }
}
