import DayshiftCore
import Foundation
import IssueObjects
import Store

/// What an operator may do to runs and deliveries, shared by the operator API and the dashboard:
/// find a run, cancel it, retry it, replay a delivery. Cancel and retry go where a webhook's
/// would: a delivery (event `dayshift.operator`) and an inbox message, in one transaction, for the
/// issue object to handle; so they survive a restart.
///
/// Errors are ``APIProblem``s (400 for a malformed id, 404, 409 when the run is in the wrong
/// state, 503 while the server shuts down), which each caller answers in its own form.
struct OperatorActions: Sendable {
    let store: Store
    let runtime: IssueObjectRuntime
    let intake: DeliveryIntake
    let gate: IntakeGate

    /// The operator actions' delivery event.
    static var event: String { "dayshift.operator" }

    /// What ``cancel(_:)`` and ``retry(_:)`` stored.
    struct Recorded: Sendable, Equatable {
        /// The action's delivery GUID (`operator-<uuid>`).
        var delivery: String
        var issue: String
        var command: IssueCommand
    }

    /// The journal of run `text` (a path parameter).
    /// - Throws: ``APIProblem`` 400 when `text` is not a positive integer, 404 when there is no such run.
    func journal(runID text: String) async throws -> RunJournal {
        guard let id = Int64(text), id > 0 else { throw APIProblem.badRequest("id: expected a positive integer, got \"\(text)\"") }
        guard let journal = try await store.journal(runID: id) else { throw APIProblem.notFound("no run \(id)") }
        return journal
    }

    /// Asks a running run to stop (its report and cleanup still run).
    /// - Throws: ``APIProblem`` 409 when the run is not running or already stopping.
    func cancel(_ run: Run) async throws -> Recorded {
        guard run.status == .running else { throw APIProblem.conflict("run \(run.id) is \(run.status.rawValue), not running") }
        guard run.cancelRequestedAt == nil else { throw APIProblem.conflict("run \(run.id) is already stopping") }
        return try await record(.cancel, for: run)
    }

    /// Starts a new run of the run's issue, if its repository is still in scope.
    /// - Throws: ``APIProblem`` 409 while the issue has a running run, or when
    ///   `github.allowed_owners` / `github.allowed_repositories` now leave the repository out.
    func retry(_ run: Run) async throws -> Recorded {
        if let refusal = intake.scope.refusal(for: run.context.issue.repository) {
            throw APIProblem.conflict("not retried: \(refusal)")
        }
        if let running = try await store.runningRun(issueKey: run.issueKey) {
            throw APIProblem.conflict("\(run.issueKey) has a running run (\(running.id)); cancel it first")
        }
        return try await record(.retry, for: run)
    }

    /// The stored delivery `guid`.
    /// - Throws: ``APIProblem`` 404.
    func delivery(guid text: String) async throws -> Delivery {
        // A path parameter arrives percent-encoded as sent.
        let guid = text.removingPercentEncoding ?? text
        guard let delivery = try await store.delivery(guid: guid) else { throw APIProblem.notFound("no delivery \(guid)") }
        return delivery
    }

    /// Processes a stored delivery again under today's rules, stored as a new delivery with `replay_of`.
    /// - Throws: ``APIProblem`` 409 for an operator action, 503 while shutting down.
    func replay(_ original: Delivery) async throws -> Delivery {
        guard original.event != Self.event else {
            throw APIProblem.conflict("\(original.guid) is an operator action; cancel or retry the run instead")
        }
        guard !original.payload.isEmpty else {
            throw APIProblem.conflict("\(original.guid)'s payload was pruned (retention.deliveries_days); there is nothing to replay")
        }
        guard gate.isOpen else { throw APIProblem(status: .serviceUnavailable, detail: "the server is shutting down") }
        let replay = try await intake.replay(original)
        if replay.decision.isActed { runtime.notifyNewMessages() }
        return replay
    }

    /// Stores the action as a delivery with its message for the issue object, and wakes the runtime.
    private func record(_ command: IssueCommand, for run: Run) async throws -> Recorded {
        guard gate.isOpen else { throw APIProblem(status: .serviceUnavailable, detail: "the server is shutting down") }
        guard let key = IssueKey(run.issueKey) else { throw APIProblem.conflict("run \(run.id) has no valid issue key") }
        let guid = "operator-\(UUID().uuidString.lowercased())"
        let payload = JSONValue.object(["action": .string(command.rawValue), "run": .int(run.id), "issue": .string(run.issueKey)]).encoded()
        let delivery = Delivery(guid: guid, event: Self.event, action: command.rawValue, repository: run.context.issue.repository,
                                issueNumber: run.context.issue.number, receivedAt: Date(), payload: payload,
                                decision: .acted(reason: "operator: \(command.rawValue) run \(run.id)"))
        _ = try await store.recordDelivery(delivery, message: IssueMessage(issueKey: key, command: command, snapshot: run.context.issue))
        runtime.notifyNewMessages()
        intake.logger.info("operator action stored", metadata: ["delivery": "\(guid)", "issue": "\(run.issueKey)", "run": "\(run.id)",
                                                                 "action": "\(command.rawValue)"])
        return Recorded(delivery: guid, issue: run.issueKey, command: command)
    }
}
