import DayshiftCore
import GitHub

/// The reactions Dayshift leaves on what asked for a run: the triggering comment
/// (`POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions`) when a comment asked, else
/// the issue (`POST /repos/{owner}/{repo}/issues/{issue_number}/reactions`). 👀 (`eyes`) when the
/// run starts, 🚀 (`rocket`) or 😕 (`confused`) when it ends.
///
/// Idempotent: GitHub keeps one reaction per content and user, answering 200 for one that exists,
/// so a repeated step never doubles it. Best effort: a missing `issues: write` permission or a
/// deleted comment is logged and never stops the run.
enum TriggerReaction {
    static func add(_ content: String, context: StepContext) async {
        let issue = context.journal.context.issue
        guard let repo = RepositoryName(fullName: issue.repository) else { return }
        do {
            let github = try await context.github(for: repo)
            if let commentID = issue.triggerCommentID {
                try await github.addCommentReaction(repo, commentID: commentID, content: content)
            } else {
                try await github.addIssueReaction(repo, issue: issue.conversationNumber, content: content)
            }
        } catch {
            context.dependencies.logger.warning("could not add the \(content) reaction", metadata: [
                "issue": "\(issue.issueKey?.description ?? issue.repository)", "error": "\(error)",
            ])
        }
    }
}
