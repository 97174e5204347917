import DayshiftConfig
import GitHub

/// pull_request: opens the pull request for the run's branch, or updates the open one for that
/// head (found by listing, so a crash or a 422 "already exists" never makes a second). A draft
/// when the verify tests fail.
struct PullRequestStep: RunStep {
    let name = StepName.pull_request

    func perform(_ context: StepContext) async throws -> StepOutput {
        let journal = context.journal
        guard let repo = RepositoryName(fullName: journal.context.issue.repository) else {
            throw StepFailure("bad repository name \(journal.context.issue.repository)")
        }
        let github = context.dependencies.github
        let branch = journal.context.branch
        let title = journal.context.issue.title
        let body = ReportText.pullRequestBody(journal)
        let draft = (journal.verify?.exitCode ?? 0) != 0

        func updateExisting() async throws -> StepOutput? {
            guard let existing = try await github.pullRequests(repo, headBranch: branch).first else { return nil }
            let updated = try await context.call("pull_request.update") {
                try await github.updatePullRequest(repo, number: existing.number, title: title, body: body)
            }
            return StepOutput(pullRequest: PullRequestOutcome(number: updated.number, url: updated.htmlUrl, head: branch,
                                                              draft: updated.draft ?? draft, updated: true))
        }

        if let output = try await updateExisting() { return output }
        let base = journal.context.baseBranch ?? journal.output(.clone)?.branch ?? "main"
        do {
            let created = try await context.call("pull_request.create") {
                try await github.createPullRequest(repo, title: title, head: branch, base: base, body: body, draft: draft)
            }
            return StepOutput(pullRequest: PullRequestOutcome(number: created.number, url: created.htmlUrl, head: branch, draft: draft, updated: false))
        } catch let error as GitHubAPIError where error.isPullRequestAlreadyExists {
            guard let output = try await updateExisting() else { throw error }
            return output
        }
    }
}
