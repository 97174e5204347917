import DayshiftConfig
import DayshiftCore
import Foundation
import GitHub
import Sandboxes

/// clone: clones the repository into the sandbox (starting again from scratch when an earlier
/// attempt left a partial clone), checks out the base branch (a follow-up: its pull request's
/// branch, so the new commit goes on top of it), and records the base commit.
///
/// Each attempt clones into a directory of its own and then moves it into place: an earlier
/// attempt's clone may still be running in the sandbox (its server died, or its request timed out
/// on our side while the toolbox went on), and must not collide with this one.
///
/// A public repository is cloned with no token at all. A private one (over HTTPS) is cloned with
/// an installation access token narrowed to that one repository with `contents: read`; nothing
/// that can write ever enters the sandbox.
struct CloneStep: RunStep {
    let name = StepName.clone

    func perform(_ context: StepContext) async throws -> StepResult {
        let journal = context.journal
        if let followUp = journal.context.issue.followUp, let repository = RepositoryName(fullName: journal.context.issue.repository) {
            // Re-read the pull request's state (a delivery may be stale): a closed or merged one gets nothing more.
            let github = try await context.github(for: repository)
            guard try await github.pullRequests(repository, headBranch: followUp.branch).contains(where: { $0.number == followUp.pullRequest }) else {
                throw StepFailure("pull request #\(followUp.pullRequest) is no longer open; the conversation has ended")
            }
        }
        let sandbox = try await context.sandbox()
        let provider = context.dependencies.sandboxes
        // Our own constant and a UUID: nothing untrusted reaches this shell.
        let staging = "\(StepContext.repositoryPath).clone-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await provider.execute(in: sandbox.id, SandboxCommand("rm -rf \(StepContext.repositoryPath)"))
        var token: String?
        if journal.context.cloneURL.lowercased().hasPrefix("https://"), journal.context.issue.isPrivate != false,
           let repository = RepositoryName(fullName: journal.context.issue.repository) {
            token = try await context.call("clone.token") {
                try await context.dependencies.github.cloneToken(for: repository, installationID: journal.context.issue.installationID)
            }
        }
        let request = GitCloneRequest(url: journal.context.cloneURL, path: staging, branch: journal.context.issue.followUp?.branch ?? journal.context.baseBranch,
                                      username: token == nil ? nil : "x-access-token", password: token)
        try await context.call("clone.git_clone") { try await provider.gitClone(in: sandbox.id, request) }
        let moved = try await provider.execute(in: sandbox.id, SandboxCommand("rm -rf \(StepContext.repositoryPath) && mv \(staging) \(StepContext.repositoryPath)"))
        guard moved.exitCode == 0 else { throw StepFailure("cannot move the clone into place (exit \(moved.exitCode)): \(moved.output.suffix(500))") }
        let commit = try await context.runChecked("git rev-parse HEAD", what: "reading the base commit")
        let branch = try await context.runChecked("git rev-parse --abbrev-ref HEAD", what: "reading the base branch")
        return .clone(CloneResult(commit: commit, branch: branch))
    }
}
