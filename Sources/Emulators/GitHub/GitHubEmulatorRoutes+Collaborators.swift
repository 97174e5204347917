import DayshiftCore
import GitHub
import Hummingbird

/// `GET /repos/{owner}/{repo}/collaborators/{username}/permission` → 200
/// `repository-collaborator-permission` `{"permission", "role_name", "user"}`: `permission` is
/// `admin`, `write`, `read` or `none` (GitHub folds `maintain` into `write` and `triage` into
/// `read`); `role_name` is the role itself. 404 for a repository the emulator does not know.
enum GitHubEmulatorCollaboratorRoutes {
    static func add<Context: RequestContext>(to router: some RouterMethods<Context>, state: GitHubEmulatorState) {
        router.get("/repos/:owner/:repo/collaborators/:username/permission") { request, context in
            guard let owner = context.parameters.get("owner"), let repo = context.parameters.get("repo"),
                  let username = context.parameters.get("username")?.removingPercentEncoding
            else { throw GitHubAPIError.notFound }
            guard await state.knowsRepository(owner: owner, repo: repo) else { throw GitHubAPIError.notFound }
            let role = await state.collaboratorRole(owner: owner, repo: repo, login: username)
            let renderer = GitHubEmulatorRoutes.renderer(request, state)
            let body: JSONValue = [
                "permission": .string(permission(for: role)), "role_name": .string(role), "user": renderer.user(username),
            ]
            return GitHubEmulatorResponse.json(body, status: .ok)
        }
    }

    /// The coarse `permission` GitHub reports for a role.
    static func permission(for role: String) -> String {
        switch role {
        case "admin": "admin"
        case "maintain", "write": "write"
        case "triage", "read": "read"
        default: "none"
        }
    }
}
