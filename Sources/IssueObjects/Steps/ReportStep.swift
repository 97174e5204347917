import DayshiftConfig
import DayshiftCore
import GitHub

/// report: tells the issue how the run ended, in one comment per run found again by a hidden
/// marker, so a repeated report edits the comment instead of posting another.
struct ReportStep: RunStep {
    let name = StepName.report

    func perform(_ context: StepContext) async throws -> StepResult {
        let journal = context.journal
        guard let repo = RepositoryName(fullName: journal.context.issue.repository) else {
            throw StepFailure("bad repository name \(journal.context.issue.repository)")
        }
        if let installation = journal.context.issue.installationID,
           let reason = try await context.dependencies.store.installationBlock(installationID: installation, repository: repo.description) {
            // Deleted, suspended or removed: GitHub no longer lets the App write there.
            return .report(ReportResult(commentID: 0, note: "not reported: the installation is blocked (\(reason))"))
        }
        let github = try await context.github(for: repo)
        let settings = context.settings
        let marker = ReportText.reportMarker(journal, secret: settings.webhook.secret.isEmpty ? settings.github.token : settings.webhook.secret)
        let body = ReportText.issueComment(journal) + "\n\n" + marker
        // A follow-up answers where the feedback was given: on the pull request.
        let issue = journal.context.issue.followUp?.pullRequest ?? journal.context.issue.number
        if let existing = try await github.issueComments(repo, issue: issue).first(where: { $0.body?.contains(marker) == true }) {
            let updated = try await context.call("report.comment") { try await github.updateIssueComment(repo, commentID: existing.id, body: body) }
            return .report(ReportResult(commentID: updated.id, note: "updated the report comment"))
        }
        let created = try await context.call("report.comment") { try await github.createIssueComment(repo, issue: issue, body: body) }
        return .report(ReportResult(commentID: created.id))
    }
}
