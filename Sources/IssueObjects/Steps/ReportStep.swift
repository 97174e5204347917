import DayshiftConfig
import DayshiftCore
import GitHub

/// report: the final edit of the run's tracking comment (one comment per run, found again by its
/// hidden marker, so a repeated report edits it instead of posting another; posted here when the
/// run never got one), then (with `github.check_runs`) the tests' check run on the pull request's
/// head commit (``TestsCheckRun``), then the final reaction on what asked for the run: 🚀 when the run
/// succeeded, 😕 otherwise (best effort; adding a reaction GitHub already has answers 200).
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
        let marker = ReportText.reportMarker(journal, settings: context.settings)
        let unchanged = try await adoptedUnchanged(context)
        let body = TrackingCommentText.final(journal, adoptedUnchanged: unchanged, marker: marker)
        // A follow-up answers where the feedback was given: on the pull request.
        let issue = journal.context.issue.conversationNumber
        let result: ReportResult
        if let existing = try await github.issueComments(repo, issue: issue).first(where: { $0.isDayshifts(marker: marker, botUserID: context.settings.github.botUserID, signedInAsApp: context.settings.github.usesApp) }) {
            let updated = try await context.call("report.comment") { try await github.updateIssueComment(repo, commentID: existing.id, body: body) }
            result = ReportResult(commentID: updated.id, note: "final status in the tracking comment", adoptedUnchanged: unchanged)
        } else {
            let created = try await context.call("report.comment") { try await github.createIssueComment(repo, issue: issue, body: body) }
            result = ReportResult(commentID: created.id, note: "posted the final status (no tracking comment was found)", adoptedUnchanged: unchanged)
        }
        await TestsCheckRun.publish(context)
        await TriggerReaction.add(journal.finalStatus == .succeeded ? "rocket" : "confused", context: context)
        return .report(result)
    }

    /// True when the published commit was already published by an earlier run of this issue: the
    /// branch and the pull request already had this very change (a durable fact from the journal).
    private func adoptedUnchanged(_ context: StepContext) async throws -> Bool {
        guard let commit = context.journal.publish?.commit, context.journal.pullRequest?.updated == true else { return false }
        let published = try await context.dependencies.store.succeededResults(issueKey: context.journal.run.issueKey, step: .publish)
        return published.filter { if case .publish(let result) = $0 { result.commit == commit } else { false } }.count > 1
    }
}
