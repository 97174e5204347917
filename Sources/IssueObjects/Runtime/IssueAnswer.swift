import DayshiftConfig
import DayshiftCore
import Foundation
import GitHub
import Logging

/// One short answer on the issue to a message that changes nothing (`/dayshift cancel` with no
/// run, a trigger while a run is active), so that the person who asked is not left guessing; an
/// operator's action (answered by the operator API itself) gets only the log line.
///
/// Posted at most once per inbox message: the comment carries a hidden marker
/// `<!-- dayshift:answer message=<id> key=<hmac> -->` and is looked for before it is posted
/// (`GET /repos/{owner}/{repo}/issues/{issue_number}/comments`, then
/// `POST /repos/{owner}/{repo}/issues/{issue_number}/comments`), so handling the message again
/// after a crash does not post it twice. Best effort: a failure is logged, never thrown.
struct IssueAnswer {
    var dependencies: RunDependencies
    var logger: Logger

    /// Logs `outcome` and answers `text` on the message's issue.
    func post(_ text: String, to message: InboxMessage, outcome: String) async {
        // An operator's action (delivery `operator-…`, from the operator API or the dashboard) was
        // answered there; only people on GitHub get an answer on the issue.
        let fromOperator = message.deliveryGUID.hasPrefix("operator-")
        logger.info(fromOperator ? "operator action changed nothing" : "message changed nothing; answering on the issue",
                    metadata: ["message": "\(message.id)", "outcome": "\(outcome)"])
        guard !fromOperator, let snapshot = message.snapshot, let repository = RepositoryName(fullName: snapshot.repository) else { return }
        let marker = Self.marker(messageID: message.id, issueKey: message.issueKey, settings: dependencies.configuration)
        do {
            let github = try await dependencies.github.client(for: repository, installationID: snapshot.installationID)
            if try await github.issueComments(repository, issue: snapshot.number).contains(where: { $0.isDayshifts(marker: marker, botUserID: dependencies.configuration.github.botUserID, signedInAsApp: dependencies.configuration.github.usesApp) }) { return }
            _ = try await github.createIssueComment(repository, issue: snapshot.number, body: text + "\n\n" + marker)
        } catch {
            logger.warning("could not answer on the issue", metadata: ["message": "\(message.id)", "error": "\(error)"])
        }
    }

    /// The hidden marker of the answer to message `messageID`, keyed like the report's.
    static func marker(messageID: Int64, issueKey: String, settings: DayshiftConfiguration) -> String {
        let secret = settings.webhook.secret.isEmpty ? settings.github.token : settings.webhook.secret
        let mac = WebhookSignature.header(for: Data("answer \(issueKey) \(messageID)".utf8), secret: secret).suffix(16)
        return "<!-- dayshift:answer issue=\(issueKey) message=\(messageID) key=\(mac) -->"
    }
}
