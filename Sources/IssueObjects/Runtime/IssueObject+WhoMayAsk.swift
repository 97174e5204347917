import DayshiftCore
import Foundation
import GitHub

// Who may ask: the sender's repository role, and the per-issue hourly cap.
extension IssueObject {
    /// Why the message's sender may not ask, or `nil` when they may (or the origin names no sender
    /// to check: `issues.opened`, `issues.closed`, an installation change, messages from before
    /// origins were stored).
    func permissionRefusal(_ message: InboxMessage) async -> String? {
        guard let origin = message.origin, origin.needsPermissionCheck else { return nil }
        guard let login = origin.sender, let snapshot = message.snapshot, let repository = RepositoryName(fullName: snapshot.repository) else {
            return "refused: the trigger names no sender whose permission could be checked"
        }
        let triggers = dependencies.configuration.triggers
        let neededName = origin.kind == .label ? triggers.labelMinimumPermission : triggers.minimumPermission
        let needed = RepositoryPermission(rawValue: neededName) ?? .write
        do {
            let level = try await dependencies.permissions.level(of: login, on: repository, installationID: snapshot.installationID,
                                                                 github: dependencies.github)
            guard level >= needed else {
                return "refused: \(login) has \(level.rawValue) permission on \(repository); a \(origin.kind.rawValue) trigger needs \(needed.rawValue)"
            }
            return nil
        } catch {
            return "refused: could not check \(login)'s permission on \(repository) (\(dependencies.redactor.redact(String(describing: error))))"
        }
    }

    /// Why a follow-up starts nothing because its pull request is no longer open (closed or merged
    /// after the delivery was sent), or `nil`. Asks GitHub (`GET /repos/{owner}/{repo}/pulls?head=…`,
    /// open pull requests); when GitHub cannot be asked, `nil`: the clone step checks again.
    func endedConversation(_ message: InboxMessage) async -> String? {
        guard let snapshot = message.snapshot, let followUp = snapshot.followUp,
              let repository = RepositoryName(fullName: snapshot.repository) else { return nil }
        do {
            let client = try await dependencies.github.client(for: repository, installationID: snapshot.installationID)
            let open = try await client.pullRequests(repository, headBranch: followUp.branch)
            guard open.contains(where: { $0.number == followUp.pullRequest }) else {
                return "ignored: pull request #\(followUp.pullRequest) is no longer open; the conversation has ended"
            }
        } catch {
            logger.warning("could not check the pull request of a follow-up", metadata: ["error": "\(dependencies.redactor.redact(String(describing: error)))"])
        }
        return nil
    }

    /// The outcome prefix of a message refused by the hourly cap.
    static let capPrefix = "refused: hourly cap"
    /// The outcome suffix when the refusal was also said on the issue.
    static let capToldSuffix = "said so on the issue"

    /// Why no run may start now because the issue reached `triggers.max_runs_per_issue_per_hour`,
    /// or `nil`. The first refusal in an hour posts one polite comment on the issue; later ones
    /// only record their outcome.
    /// - Throws: storage errors.
    func hourlyCapRefusal(_ snapshot: IssueSnapshot) async throws -> String? {
        let cap = dependencies.configuration.triggers.maxRunsPerIssuePerHour
        guard cap > 0 else { return nil }
        let hourAgo = Date().addingTimeInterval(-3600)
        let started = try await dependencies.store.runCount(issueKey: key, since: hourAgo)
        guard started >= cap else { return nil }
        let refusal = "\(Self.capPrefix) of \(cap) runs reached (\(started) started in the last hour)"
        let told = try await dependencies.store.messages(issueKey: key).contains {
            ($0.handledAt ?? .distantPast) >= hourAgo && $0.outcome?.hasPrefix(Self.capPrefix) == true && $0.outcome?.hasSuffix(Self.capToldSuffix) == true
        }
        if told { return refusal + "; already said so on the issue" }
        guard let repository = RepositoryName(fullName: snapshot.repository) else { return refusal }
        let text = "Dayshift has already started \(started) runs for this issue in the last hour, its limit. "
            + "It will not start another for now; please ask again in a while."
        do {
            let client = try await dependencies.github.client(for: repository, installationID: snapshot.installationID)
            _ = try await client.createIssueComment(repository, issue: snapshot.number, body: text)
            return refusal + "; " + Self.capToldSuffix
        } catch {
            logger.warning("could not post the hourly cap notice", metadata: ["error": "\(dependencies.redactor.redact(String(describing: error)))"])
            return refusal + "; could not say so on the issue"
        }
    }
}
