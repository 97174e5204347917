import DayshiftConfig
import DayshiftCore
import Foundation
import GitHub
import IssueObjects
import Logging
import Store

/// Turns one verified-or-not webhook request into a stored delivery, without doing any work:
/// verify the signature over the raw bytes, check the headers and JSON, decide the trigger, then
/// store the delivery and the issue object's message in one transaction (on SQLite shared with
/// the writes that arrived at the same moment: the store's group commit).
public struct DeliveryIntake: Sendable {
    /// How a request was answered.
    public enum Outcome: Equatable, Sendable {
        /// Stored; `acted` says whether an issue object got a message.
        case accepted(acted: Bool, reason: String)
        /// `ping`: stored, nothing to do.
        case pong
        /// The GUID was seen before; nothing changed.
        case duplicate
        /// 401: missing or wrong `X-Hub-Signature-256`; nothing stored.
        case unauthorized
        /// 400: a header is missing or the body is not a JSON object; nothing stored.
        case badRequest(String)
    }

    let store: Store
    let configuration: DayshiftConfiguration
    let rules: TriggerRules
    let scope: RepositoryScope
    let logger: Logger

    public init(store: Store, configuration: DayshiftConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.rules = Self.rules(configuration)
        self.scope = RepositoryScope(configuration.github)
        self.logger = logger
    }

    /// The trigger rules the configuration names (`triggers.*`, `github.app_slug`, `github.bot_user_id`, `github.app_id`).
    static func rules(_ configuration: DayshiftConfiguration) -> TriggerRules {
        var rules = TriggerRules(label: configuration.triggers.label, command: configuration.triggers.command,
                                 allowedAssociations: configuration.triggers.allowedAssociations, appSlug: configuration.github.appSlug,
                                 botUserID: configuration.github.botUserID > 0 ? configuration.github.botUserID : nil,
                                 appID: configuration.github.appID.flatMap { Int64($0) }, allowedBots: configuration.triggers.allowedBots)
        rules.branchPrefix = configuration.git.branchPrefix
        return rules
    }

    /// The issue a follow-up is for: the pull request's issue, its follow-up attached (title and
    /// body are filled from the issue's last run by the issue object).
    func followUpSnapshot(event: String, payload: WebhookPayload) -> IssueSnapshot? {
        guard let (number, followUp) = rules.followUp(event: event, payload: payload), let repository = payload.repository else { return nil }
        var snapshot = IssueSnapshot(repository: repository.fullName, number: number, title: payload.pullRequest?.title ?? payload.issue?.title ?? "",
                                     body: "", cloneURL: repository.cloneUrl, defaultBranch: repository.defaultBranch,
                                     requestedBy: followUp.feedback.first?.author, installationID: payload.installation?.id,
                                     isPrivate: repository.isPrivate)
        snapshot.followUp = followUp
        return snapshot
    }

    /// True when the delivery came on Dayshift's pull request but is for its issue's object: a
    /// follow-up, or a cancel written on the pull request.
    static func isAboutThePullRequestsIssue(_ command: IssueCommand, _ payload: WebhookPayload) -> Bool {
        command == .followUp || (command == .cancel && payload.issue?.pullRequest != nil)
    }

    /// The issue's snapshot for a message that came on its pull request: with the follow-up for a
    /// follow-up, without it for a cancel.
    func issueSnapshotOfPullRequest(_ command: IssueCommand, event: String, payload: WebhookPayload) -> IssueSnapshot? {
        guard var snapshot = followUpSnapshot(event: event, payload: payload) else { return nil }
        if command != .followUp { snapshot.followUp = nil }
        return snapshot
    }

    /// Handles one delivery.
    /// - Parameters:
    ///   - body: the raw request body, exactly as received.
    ///   - signature: `X-Hub-Signature-256`; `event`: `X-GitHub-Event`; `guid`: `X-GitHub-Delivery`.
    ///   - contentType: `Content-Type`; a form (`application/x-www-form-urlencoded`) carries the JSON
    ///     in its `payload` field (``WebhookBody``), and that JSON is what is stored.
    /// - Throws: only storage errors (the caller answers 500 and GitHub may redeliver).
    public func receive(body raw: Data, signature: String?, event: String?, guid: String?, contentType: String? = nil,
                        receivedAt: Date = Date()) async throws -> Outcome {
        guard WebhookSignature.isValid(header: signature, body: raw, secret: configuration.webhook.secret) else {
            logger.warning("webhook refused: bad or missing signature", metadata: ["delivery": "\(guid ?? "-")"])
            return .unauthorized
        }
        guard let body = WebhookBody.json(from: raw, contentType: contentType) else {
            return .badRequest("form body has no payload field; set the webhook's content type to application/json")
        }
        guard let event, !event.isEmpty else { return .badRequest("missing X-GitHub-Event header") }
        guard event.utf8.count <= 100 else { return .badRequest("X-GitHub-Event header longer than 100 characters") }
        guard let guid, !guid.isEmpty else { return .badRequest("missing X-GitHub-Delivery header") }
        guard guid.count <= 200 else { return .badRequest("X-GitHub-Delivery header longer than 200 characters") }
        // GitHub's GUIDs are UUIDs. Bytes that are not UTF-8 reach here as U+FFFD, so two different
        // non-ASCII GUIDs would be stored as one and the second taken for a duplicate.
        guard guid.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) else {
            return .badRequest("X-GitHub-Delivery header has characters other than printable ASCII")
        }
        // One parse on the common path: the typed decode. Only when it fails is the body parsed
        // again, to tell a body that is not JSON (400) from one whose fields have other shapes (ignored).
        let payload = try? JSONDecoder().decode(WebhookPayload.self, from: body)
        if payload == nil, !((try? JSONSerialization.jsonObject(with: body)) is [String: Any]) {
            return .badRequest("body is not a JSON object")
        }
        // Names are stored and become issue keys: one GitHub would never send (a NUL, a space, a
        // third slash) is refused rather than stored cut short or under another name.
        if let payload, !Self.namesRepositoriesValidly(payload) {
            return .badRequest("a repository full_name is not owner/name with GitHub's characters")
        }
        if let payload, let change = Self.installationChange(event: event, payload: payload) {
            return try await receiveInstallationChange(change, guid: guid, event: event, body: body, payload: payload, receivedAt: receivedAt)
        }
        var (record, message) = decide(guid: guid, event: event, body: body, payload: payload, receivedAt: receivedAt)
        switch try await store.recordDelivery(record, message: message) {
        case .duplicate:
            logger.info("duplicate delivery ignored", metadata: ["delivery": "\(guid)"])
            return .duplicate
        case .repeatedTrigger(let reason):
            record.decision = .ignored(reason: reason)
            logStored(record)
            return .accepted(acted: false, reason: reason)
        case .recorded:
            logStored(record)
            return event == "ping" ? .pong : .accepted(acted: message != nil, reason: record.decision.reason)
        }
    }

    /// True when every repository the payload names (`repository`, `repositories_added`,
    /// `repositories_removed`) has a full name ``RepositoryName`` accepts.
    static func namesRepositoriesValidly(_ payload: WebhookPayload) -> Bool {
        let names = [payload.repository?.fullName].compactMap { $0 }
            + (payload.repositoriesAdded ?? []).map(\.fullName) + (payload.repositoriesRemoved ?? []).map(\.fullName)
        return names.allSatisfy { RepositoryName(fullName: $0) != nil }
    }

    /// The installation change an `installation` / `installation_repositories` delivery names.
    static func installationChange(event: String, payload: WebhookPayload) -> InstallationChange? {
        guard event == "installation" || event == "installation_repositories" else { return nil }
        return InstallationChange(event: event, action: payload.action, installationID: payload.installation?.id,
                                  removed: (payload.repositoriesRemoved ?? []).map(\.fullName),
                                  added: (payload.repositoriesAdded ?? []).map(\.fullName))
    }

    /// Stores an installation change with its delivery (``Store/recordInstallationChange(_:change:)``):
    /// blocks or allows the installation, and sends a cancel to each running run it covers.
    private func receiveInstallationChange(_ change: InstallationChange, guid: String, event: String, body: Data, payload: WebhookPayload,
                                           receivedAt: Date) async throws -> Outcome {
        let scope = change.repositories.map { "repositories \($0.joined(separator: ", "))" } ?? "the whole installation"
        let reason = "\(change.cause): \(change.blocks ? "no runs for" : "runs allowed again for") \(scope) of installation \(change.installationID)"
        var record = Delivery(guid: guid, event: event, action: payload.action, repository: payload.repository?.fullName, issueNumber: nil,
                              receivedAt: receivedAt, payload: body, decision: .acted(reason: reason))
        switch try await store.recordInstallationChange(record, change: change) {
        case .duplicate:
            logger.info("duplicate delivery ignored", metadata: ["delivery": "\(guid)"])
            return .duplicate
        case .recorded(let cancelling):
            let full = Store.reason(reason, cancelling: cancelling)
            record.decision = .acted(reason: full)
            logStored(record)
            return .accepted(acted: true, reason: full)
        }
    }

    /// Processes a stored delivery's payload again under today's trigger rules and repository
    /// scope, and stores the result as a new delivery (GUID `replay-<uuid>`, ``Delivery/replayOf``
    /// naming the original) with its message when it acts.
    /// - Returns: the new delivery.
    /// - Throws: storage errors.
    public func replay(_ original: Delivery, at receivedAt: Date = Date()) async throws -> Delivery {
        let payload = try? JSONDecoder().decode(WebhookPayload.self, from: original.payload)
        var (record, message) = decide(guid: "replay-\(UUID().uuidString.lowercased())", event: original.event, body: original.payload,
                                       payload: payload, receivedAt: receivedAt)
        record.replayOf = original.guid
        // An operator's replay acts again on purpose: it does not count as a repeated trigger.
        message?.origin?.triggerKey = nil
        _ = try await store.recordDelivery(record, message: message)
        logStored(record)
        return record
    }

    /// The delivery to store and, when a trigger acts, the issue object's message.
    private func decide(guid: String, event: String, body: Data, payload: WebhookPayload?, receivedAt: Date) -> (Delivery, IssueMessage?) {
        var decision: TriggerDecision
        if event == "ping" {
            decision = .ignore("ping")
        } else if let payload {
            let settings = payload.repository.map { configuration.repository($0.fullName) } ?? RepositorySettings()
            decision = rules.decide(event: event, payload: payload, openedIssuesEnabled: settings.onOpen)
            if case .act = decision, let repository = payload.repository, let refusal = scope.refusal(for: repository.fullName) {
                decision = .ignore(refusal)
            }
        } else {
            decision = .ignore("\(event) payload has no fields Dayshift reads")
        }
        var message: IssueMessage?
        if case .act(let command, _, let origin) = decision, let payload,
           let snapshot = Self.isAboutThePullRequestsIssue(command, payload) ? issueSnapshotOfPullRequest(command, event: event, payload: payload)
               : IssueSnapshot(payload: payload),
           let key = snapshot.issueKey {
            // GitHub's names are case-insensitive (and a rename may change the case): the key is
            // normalised by `IssueKey`, one object per issue.
            message = IssueMessage(issueKey: key, command: command, snapshot: snapshot, origin: origin)
        }
        let record = Delivery(guid: guid, event: event, action: payload?.action, repository: payload?.repository?.fullName,
                              issueNumber: payload?.issue?.number, receivedAt: receivedAt, payload: body,
                              decision: message == nil ? .ignored(reason: decision.reason) : .acted(reason: decision.reason))
        return (record, message)
    }

    private func logStored(_ record: Delivery) {
        var metadata: Logger.Metadata = ["delivery": "\(record.guid)", "event": "\(record.event).\(record.action ?? "")",
                                         "disposition": "\(record.decision.isActed ? "acted" : "ignored")", "reason": "\(record.decision.reason)"]
        if let original = record.replayOf { metadata["replay_of"] = "\(original)" }
        logger.info("delivery stored", metadata: metadata)
    }
}
