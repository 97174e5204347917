import DayshiftConfig
import Sandboxes

/// clone: clones the repository into the sandbox (starting again from scratch when an earlier
/// attempt left a partial clone), checks out the base branch, and records the base commit.
struct CloneStep: RunStep {
    let name = StepName.clone

    func perform(_ context: StepContext) async throws -> StepOutput {
        let sandbox = try await context.sandbox()
        let provider = context.dependencies.sandboxes
        _ = try await provider.execute(in: sandbox.id, SandboxCommand("rm -rf \(StepContext.repositoryPath)"))
        let token = context.settings.github.token
        let useToken = !token.isEmpty && context.journal.context.cloneURL.lowercased().hasPrefix("https://")
        let request = GitCloneRequest(url: context.journal.context.cloneURL, path: StepContext.repositoryPath, branch: context.journal.context.baseBranch,
                                      username: useToken ? "x-access-token" : nil, password: useToken ? token : nil)
        try await context.call("clone.git_clone") { try await provider.gitClone(in: sandbox.id, request) }
        let commit = try await context.runChecked("git rev-parse HEAD", what: "reading the base commit")
        let branch = try await context.runChecked("git rev-parse --abbrev-ref HEAD", what: "reading the base branch")
        return StepOutput(commit: commit, branch: branch)
    }
}
