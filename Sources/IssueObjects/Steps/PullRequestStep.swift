import Agents
import DayshiftConfig
import DayshiftCore
import GitHub

/// pull_request: opens the pull request for the run's branch, or updates the open one for that
/// head (found by listing first, and again after a 422 "already exists", so a crash or a lost
/// `201` never makes a second). A draft when the verify tests fail
/// (`pull_request.draft_on_test_failure`). Labels and reviewers from `pull_request.*` are added
/// to a new pull request. A follow-up only ever updates its pull request: when that one is no
/// longer open, the step fails instead of opening another.
struct PullRequestStep: RunStep {
    let name = StepName.pull_request

    func perform(_ context: StepContext) async throws -> StepResult {
        let journal = context.journal
        guard let repo = RepositoryName(fullName: journal.context.issue.repository) else {
            throw StepFailure("bad repository name \(journal.context.issue.repository)")
        }
        let github = try await context.github(for: repo)
        let branch = journal.context.branch
        let title = IssueTextCleaner.safeTitle(journal.context.issue.title)
        let body = ReportText.pullRequestBody(journal)
        let settings = context.settings.pullRequest
        let draft = settings.draftOnTestFailure && (journal.verify?.exitCode ?? 0) != 0

        func updateExisting() async throws -> StepResult? {
            guard let existing = try await github.pullRequests(repo, headBranch: branch).first else { return nil }
            let updated = try await context.call("pull_request.update") {
                try await github.updatePullRequest(repo, number: existing.number, title: title, body: body)
            }
            // Opened by this very step before a crash or a lost answer: still this run's new pull request.
            let openedByThisRun = existing.body?.contains(ReportText.runMention(journal)) == true
            if openedByThisRun { try await decorate(existing.number) }
            return .pullRequest(PullRequestResult(number: updated.number, url: updated.htmlUrl, head: branch,
                                                  draft: updated.draft ?? draft, updated: !openedByThisRun))
        }

        func decorate(_ number: Int) async throws {
            if !settings.labels.isEmpty {
                try await context.call("pull_request.labels") { _ = try await github.addLabels(repo, issue: number, labels: settings.labels) }
            }
            if !settings.reviewers.isEmpty {
                try await context.call("pull_request.reviewers") { _ = try await github.requestReviewers(repo, pullRequest: number, reviewers: settings.reviewers) }
            }
        }

        if let output = try await updateExisting() { return output }
        if let followUp = journal.context.issue.followUp {
            // Closed or merged since the feedback was given: the conversation has ended.
            throw StepFailure("pull request #\(followUp.pullRequest) is no longer open; the follow-up opens no other")
        }
        let base = journal.context.baseBranch ?? journal.clone?.branch ?? "main"
        do {
            let created = try await context.call("pull_request.create") {
                try await github.createPullRequest(repo, title: title, head: branch, base: base, body: body, draft: draft)
            }
            try await decorate(created.number)
            return .pullRequest(PullRequestResult(number: created.number, url: created.htmlUrl, head: branch, draft: draft, updated: false))
        } catch let error as GitHubAPIError where error.isPullRequestAlreadyExists {
            guard let output = try await updateExisting() else { throw error }
            return output
        }
    }
}
