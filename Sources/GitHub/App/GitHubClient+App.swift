import DayshiftCore

/// GitHub App endpoints. They take the App JWT, so call them on a client whose token provider
/// returns ``GitHubAppJWT/token`` (as ``GitHubAuthenticator`` does), not an installation token.
extension GitHubClient {
    /// `POST /app/installations/{installation_id}/access_tokens` → 201 `installation-token`.
    /// - Parameters:
    ///   - repositories: repository names (no owner) to narrow the token to; nil = all of the installation's.
    ///   - permissions: e.g. `["contents": "read"]`; nil = everything the installation was granted.
    /// - Throws: ``GitHubAPIError``: 401 for a bad/expired JWT, 404 unknown installation, 422 when a
    ///   repository is outside the installation or a permission exceeds what it granted.
    public func createInstallationAccessToken(installationID: Int64, repositories: [String]? = nil, permissions: [String: String]? = nil) async throws -> InstallationAccessToken {
        var body: [String: any Sendable] = [:]
        if let repositories { body["repositories"] = repositories }
        if let permissions { body["permissions"] = permissions }
        return try await send("POST", "/app/installations/\(installationID)/access_tokens", body: body)
    }

    /// `GET /repos/{owner}/{repo}/installation` → 200 `installation` (the app's installation that
    /// covers the repository).
    /// - Throws: ``GitHubAPIError``; 404 when the app is not installed on that repository.
    public func repositoryInstallation(_ repo: RepositoryName) async throws -> AppInstallation {
        try await send("GET", "/repos/\(repo.owner)/\(repo.name)/installation")
    }

    /// `GET /app` with the App JWT → 200 `integration`: the App the JWT authenticates as.
    /// - Throws: ``GitHubAPIError``; 401 when the JWT is refused (wrong key or app id).
    public func authenticatedApp() async throws -> AuthenticatedApp {
        try await send("GET", "/app")
    }
}
