import DayshiftCore
import GitHub

// Collaborators' roles, for `GET /repos/{owner}/{repo}/collaborators/{username}/permission`.
extension GitHubEmulatorState {
    /// The built-in roles GitHub names in `role_name`.
    public static let collaboratorRoles: Set<String> = ["admin", "maintain", "write", "triage", "read", "none"]

    /// Gives `login` the `role` (`admin`, `maintain`, `write`, `triage`, `read` or `none`) on a repository.
    public func setCollaboratorRole(owner: String, repo: String, login: String, role: String) {
        precondition(Self.collaboratorRoles.contains(role), "unknown role \(role)")
        collaboratorRoles[RepoKey(owner, repo), default: [:]][login.lowercased()] = role
    }

    /// The role of every login that has none set (the repository's owner is always `admin`).
    public func setDefaultCollaboratorRole(_ role: String) {
        precondition(Self.collaboratorRoles.contains(role), "unknown role \(role)")
        defaultCollaboratorRole = role
    }

    /// `login`'s role on the repository: set, else `admin` for the owner, else the default.
    public func collaboratorRole(owner: String, repo: String, login: String) -> String {
        if let role = collaboratorRoles[RepoKey(owner, repo)]?[login.lowercased()] { return role }
        if login.caseInsensitiveCompare(owner) == .orderedSame { return "admin" }
        return defaultCollaboratorRole
    }

    /// Whether `owner/repo` has seeded issues or a registered git repository (or the emulator
    /// accepts unknown issues, as in the demo).
    func knowsRepository(owner: String, repo: String) -> Bool {
        let key = RepoKey(owner, repo)
        return repos[key] != nil || git.repositories[key] != nil || acceptsUnknownIssues
    }
}
