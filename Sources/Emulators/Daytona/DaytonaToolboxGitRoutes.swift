import Foundation
import Hummingbird
import Sandboxes

/// Toolbox git and info endpoints under `/toolbox/{sandboxId}` (daemon v0.190, §9.1 and §9.6):
///
/// | endpoint | answer |
/// |---|---|
/// | `POST /git/clone` `{url, path, branch?, commit_id?, username?, password?}` | 200, no body; 401/403/404/409/500 by git's failure |
/// | `GET /version` | 200 `{version}` |
/// | `GET /user-home-dir`, `GET /project-dir` (legacy), `GET /work-dir` | 200 `{dir}`: the sandbox home, a host path |
///
/// Cloning runs a real `git clone --single-branch` through the local runner, so `file://` URLs
/// and plain paths of repositories on this machine work. `depth` and `insecure_skip_tls` are
/// accepted and ignored.
enum DaytonaToolboxGitRoutes {
    struct CloneBody: Decodable {
        var url: String?
        var path: String?
        var branch: String?
        var commit_id: String?
        var username: String?
        var password: String?
        var insecure_skip_tls: Bool?
        var depth: Int?
    }

    static func add<Context: RequestContext>(to toolbox: RouterGroup<Context>, state: DaytonaEmulatorState) {
        toolbox.post("git/clone") { request, context in
            let target = try await DaytonaToolboxTarget.resolve(context, state)
            let body = try await request.daytonaJSON(CloneBody.self) { DaytonaToolboxError.invalidBody($0) }
            guard let url = body.url, !url.isEmpty else { throw DaytonaToolboxError.invalidBody("url is required") }
            guard let path = body.path, !path.isEmpty else { throw DaytonaToolboxError.invalidBody("path is required") }
            do {
                let clone = GitCloneRequest(
                    url: url, path: path, branch: body.branch, username: body.username, password: body.password)
                try await state.runCancellable(in: target.id) { [provider = target.provider, id = target.id] in
                    try await provider.gitClone(in: id, clone)
                }
            } catch SandboxError.gitFailed(let message) {
                throw cloneError(message)
            } catch {
                throw DaytonaToolboxTarget.toolboxError(error, id: target.id)
            }
            if let commit = body.commit_id, !commit.isEmpty {
                let quote = DaytonaSessionRegistry.quote
                let result = try await target.provider.execute(in: target.id, SandboxCommand(
                    "git -C \(quote(path)) checkout -q --detach \(quote(commit))", timeoutSeconds: 120))
                if result.exitCode != 0 {
                    throw DaytonaToolboxError.notFound("commit \(commit) not found: \(result.lastLines(3))")
                }
            }
            return DaytonaJSON.empty(.ok)
        }
        toolbox.get("version") { _, context in
            let target = try await DaytonaToolboxTarget.resolve(context, state)
            return DaytonaJSON.response(["version": target.sandbox.daemonVersion])
        }
        for route in ["user-home-dir", "project-dir", "work-dir"] {
            toolbox.get(RouterPath(route)) { _, context in
                let target = try await DaytonaToolboxTarget.resolve(context, state)
                return DaytonaJSON.response(["dir": target.sandbox.homeDirectory])
            }
        }
    }

    /// Classifies git's message as daemon v0.174+ does: authentication 401, authorization 403,
    /// missing repository or branch 404, existing destination 409, anything else 500.
    static func cloneError(_ message: String) -> DaytonaToolboxError {
        let text = message.lowercased()
        if text.contains("authentication failed") || text.contains("could not read username")
            || text.contains("terminal prompts disabled")
        {
            return DaytonaToolboxError(.unauthorized, code: "UNAUTHORIZED", "unauthorized: authentication required: \(message)")
        }
        if text.contains("permission denied") || text.contains("403") {
            return DaytonaToolboxError(.forbidden, code: "FORBIDDEN", "forbidden: \(message)")
        }
        if text.contains("already exists and is not an empty directory") {
            return .conflict("repository already exists: \(message)")
        }
        if text.contains("not found") || text.contains("does not exist") || text.contains("does not appear to be a git repository") {
            return .notFound("repository not found: \(message)")
        }
        return .internalError(message)
    }
}
