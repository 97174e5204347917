import DayshiftConfig
import DayshiftCore
import Foundation
import HTTPTypes
import Hummingbird
import IssueObjects
import NIOCore
import Sandboxes
import Store

/// The operator API under `/api/v1`, as `openapi/operator-api.yaml` describes it (served at
/// `/api/v1/openapi.json`): issue objects, runs (cancel, retry), run logs (pages and a live
/// Server-Sent Events stream), deliveries (replay), sandboxes (delete), the queue and the
/// effective configuration. Every route is behind ``OperatorAuthMiddleware``; errors are
/// ``APIProblem``s.
///
/// Operator actions (cancel, retry, replay) are ``OperatorActions``, which the dashboard shares.
struct OperatorAPIController<Context: RequestContext>: Sendable {
    let store: Store
    let runtime: IssueObjectRuntime
    let sandboxes: any SandboxProvider
    let intake: DeliveryIntake
    let gate: IntakeGate
    let configuration: DayshiftConfiguration
    /// Shared with the dashboard.
    let logStreams: LogStreamSlots
    var actions: OperatorActions { OperatorActions(store: store, runtime: runtime, intake: intake, gate: gate) }
    /// How often a live log stream looks for new entries.
    var logPollInterval: Duration = .milliseconds(250)

    func addRoutes(to group: RouterGroup<Context>) {
        group.add(middleware: OperatorAuthMiddleware(token: configuration.server.operatorToken))
        group.add(middleware: NULRefusalMiddleware())
        group.get("openapi.json") { _, _ in Self.json(OperatorAPIDocument.json) }
        group.get("issues", use: listIssueObjects)
        group.get("issues/:owner/:repo/:number", use: getIssueObject)
        group.get("runs", use: listRuns)
        group.get("runs/:id", use: getRun)
        group.post("runs/:id/cancel", use: cancelRun)
        group.post("runs/:id/retry", use: retryRun)
        group.get("runs/:id/logs", use: listRunLogs)
        group.get("runs/:id/logs/stream", use: followRunLogs)
        group.get("runs/:id/agent", use: getRunAgent)
        group.get("deliveries", use: listDeliveries)
        group.get("deliveries/:guid", use: getDelivery)
        group.post("deliveries/:guid/replay", use: replayDelivery)
        group.get("sandboxes", use: listSandboxes)
        group.delete("sandboxes/:id", use: deleteSandbox)
        group.get("queue", use: getQueue)
        group.get("config") { _, _ in Self.json(EffectiveConfiguration.json(configuration)) }
    }

    // MARK: issue objects

    @Sendable func listIssueObjects(_ request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request)
        let limit = try query.limit()
        var filter = IssueObjectQuery(repository: try query.repository(), afterKey: try query.cursor().map(Self.decodeKeyCursor))
        switch query["state"] {
        case nil: break
        case "running": filter.running = true
        case "idle": filter.running = false
        case let other?: throw APIProblem.badRequest("state: expected running or idle, got \"\(other)\"")
        }
        let objects = try await store.issueObjects(matching: filter, limit: limit)
        let summaries = try await runSummaries(objects.compactMap(\.latestRun))
        let items = objects.map { object in Self.issueObject(object, latest: object.latestRun.flatMap { summaries[$0.id] }) }
        let next = objects.count == limit ? objects.last.map { Self.encodeKeyCursor($0.issueKey) } : nil
        return Self.json(.object(["items": .array(items.map(JSONValue.object)), "next_cursor": .string(next)]))
    }

    @Sendable func getIssueObject(_ request: Request, context: Context) async throws -> Response {
        let owner = try context.parameters.require("owner")
        let repo = try context.parameters.require("repo")
        guard let number = Int(try context.parameters.require("number")), number > 0 else {
            throw APIProblem.badRequest("number: expected a positive integer")
        }
        guard let key = IssueKey(repository: "\(owner)/\(repo)", number: number) else {
            throw APIProblem.badRequest("\(owner)/\(repo) is not a repository name")
        }
        guard let object = try await store.issueObject(key: key) else { throw APIProblem.notFound("no issue object \(key)") }
        let runs = try await store.runs(issueKey: key.description)
        let summaries = try await runSummaries(runs)
        var fields = Self.issueObject(object, latest: object.latestRun.flatMap { summaries[$0.id] })
        fields["all_runs"] = .array(runs.compactMap { summaries[$0.id] }.map(JSONValue.object))
        return Self.json(.object(fields))
    }

    static func issueObject(_ object: IssueObjectSummary, latest: [String: JSONValue]?) -> [String: JSONValue] {
        let key = IssueKey(object.issueKey)
        return [
            "issue": .string(object.issueKey),
            "repository": .string(key?.repository.description ?? ""),
            "number": .int(key?.number ?? 0),
            "state": .string(object.isRunning ? "running" : "idle"),
            "runs": .int(object.runCount),
            "latest_run": latest.map(JSONValue.object) ?? .null,
            "activated_at": .time(object.activatedAt),
        ]
    }

    // MARK: runs

    @Sendable func listRuns(_ request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request)
        let limit = try query.limit()
        var filter = RunQuery(repository: try query.repository(), since: try query.time("since"), until: try query.time("until"),
                              beforeID: try query.cursor().map(Self.decodeIDCursor))
        if let status = query["status"] {
            guard let value = RunStatus(rawValue: status) else {
                throw APIProblem.badRequest("status: expected one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(status)\"")
            }
            filter.status = value
        }
        let runs = try await store.runs(matching: filter, limit: limit)
        let summaries = try await runSummaries(runs)
        let next = runs.count == limit ? runs.last.map { String($0.id) } : nil
        return Self.json(.object(["items": .array(runs.compactMap { summaries[$0.id] }.map(JSONValue.object)), "next_cursor": .string(next)]))
    }

    @Sendable func getRun(_ request: Request, context: Context) async throws -> Response {
        let journal = try await journal(context)
        return Self.json(RunViews.detail(journal, usage: try await store.usage(runID: journal.run.id)))
    }

    @Sendable func cancelRun(_ request: Request, context: Context) async throws -> Response {
        Self.actionAnswer(try await actions.cancel(try await journal(context).run))
    }

    @Sendable func retryRun(_ request: Request, context: Context) async throws -> Response {
        Self.actionAnswer(try await actions.retry(try await journal(context).run))
    }

    /// 202 with the `OperatorAction` schema.
    static func actionAnswer(_ recorded: OperatorActions.Recorded) -> Response {
        json(.object(["delivery": .string(recorded.delivery), "issue": .string(recorded.issue), "action": .string(recorded.command.rawValue)]),
             status: .accepted)
    }

    // MARK: run logs

    @Sendable func listRunLogs(_ request: Request, context: Context) async throws -> Response {
        let journal = try await journal(context)
        let query = try QueryParameters(request)
        let limit = try query.limit()
        let after = try query.integer("after", minimum: 0) ?? 0
        let remaining = RunLogEntry.entries(of: journal).filter { $0.id > after }
        let page = remaining.prefix(limit)
        let finished = journal.run.status.isFinal && page.count == remaining.count
        return Self.json(.object([
            "items": .array(page.map(\.json)),
            "finished": .bool(finished),
            "next_after": page.last.map { .int($0.id) } ?? .null,
        ]))
    }

    @Sendable func followRunLogs(_ request: Request, context: Context) async throws -> Response {
        let runID = try await journal(context).run.id
        return try RunLogStream(store: store, gate: gate, runID: runID, request: request, pollInterval: logPollInterval).response(slots: logStreams)
    }

    /// `GET /api/v1/runs/{id}/agent`: the agent's progress and kept transcript; 404 when the run's
    /// agent has not started under this version.
    @Sendable func getRunAgent(_ request: Request, context: Context) async throws -> Response {
        let runID = try await journal(context).run.id
        let transcript = try await store.agentTranscript(runID: runID)
        let progress = try await store.agentProgress(runID: runID)
        guard let profile = transcript?.profile ?? progress?.profile else { throw APIProblem.notFound("run \(runID) has no agent record yet") }
        return Self.json(.object([
            "run_id": .int(Int(runID)),
            "profile": .string(profile.rawValue),
            "turns": .int(progress?.turns ?? 0),
            "tool": progress?.tool.map(JSONValue.string) ?? .null,
            "session_id": progress?.sessionID.map(JSONValue.string) ?? .null,
            "total_bytes": .int(transcript?.totalBytes ?? 0),
            "truncated": .bool(transcript?.truncated ?? false),
            "transcript": .string(transcript?.text ?? ""),
        ]))
    }

    private func journal(_ context: Context) async throws -> RunJournal {
        try await actions.journal(runID: try context.parameters.require("id"))
    }

    /// Each run's `RunSummary`, by id, with its current step and cost.
    private func runSummaries(_ runs: [Run]) async throws -> [Int64: [String: JSONValue]] {
        let now = Date()
        return Dictionary(try await RunOverview.gather(runs, from: store).map { ($0.run.id, RunViews.summary($0, now: now)) },
                          uniquingKeysWith: { first, _ in first })
    }

    // MARK: deliveries

    @Sendable func listDeliveries(_ request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request)
        let limit = try query.limit()
        var filter = DeliveryQuery(event: query["event"], repository: try query.repository()?.description,
                                   beforePosition: try query.cursor().map(Self.decodeIDCursor))
        switch query["decision"] {
        case nil: break
        case "acted": filter.acted = true
        case "ignored": filter.acted = false
        case let other?: throw APIProblem.badRequest("decision: expected acted or ignored, got \"\(other)\"")
        }
        let deliveries = try await store.deliveries(matching: filter, limit: limit)
        let next = deliveries.count == limit ? deliveries.last.map { String($0.position) } : nil
        return Self.json(.object(["items": .array(deliveries.map { .object(Self.delivery($0.delivery)) }), "next_cursor": .string(next)]))
    }

    @Sendable func getDelivery(_ request: Request, context: Context) async throws -> Response {
        let delivery = try await storedDelivery(context)
        var fields = Self.delivery(delivery)
        fields["payload"] = (try? JSONDecoder().decode(JSONValue.self, from: delivery.payload)) ?? .null
        return Self.json(.object(fields))
    }

    @Sendable func replayDelivery(_ request: Request, context: Context) async throws -> Response {
        let replay = try await actions.replay(try await storedDelivery(context))
        return Self.json(.object(Self.delivery(replay)), status: .accepted)
    }

    private func storedDelivery(_ context: Context) async throws -> Delivery {
        try await actions.delivery(guid: try context.parameters.require("guid"))
    }

    /// The `Delivery` schema.
    static func delivery(_ delivery: Delivery) -> [String: JSONValue] {
        [
            "guid": .string(delivery.guid),
            "event": .string(delivery.event),
            "action": .string(delivery.action),
            "repository": .string(delivery.repository),
            "issue_number": delivery.issueNumber.map { .int($0) } ?? .null,
            "received_at": .time(delivery.receivedAt),
            "decision": .string(delivery.decision.isActed ? "acted" : "ignored"),
            "reason": .string(delivery.decision.reason),
            "replay_of": .string(delivery.replayOf),
        ]
    }

    // MARK: sandboxes and the queue

    @Sendable func listSandboxes(_ request: Request, context: Context) async throws -> Response {
        let found: [Sandbox]
        do {
            found = try await sandboxes.find(labels: [SandboxLabels.managed: "true"])
        } catch {
            throw APIProblem.badGateway("the \(sandboxes.kind) sandbox provider did not list its sandboxes: \(error)")
        }
        let items = found.sorted { $0.createdAt > $1.createdAt }.map { sandbox -> JSONValue in
            .object([
                "id": .string(sandbox.id),
                "name": .string(sandbox.name),
                "state": .string(sandbox.state),
                "created_at": .time(sandbox.createdAt),
                "run": sandbox.labels[SandboxLabels.run].flatMap(Int64.init).map { .int($0) } ?? .null,
                "issue": .string(sandbox.labels[SandboxLabels.issue]),
            ])
        }
        return Self.json(.object(["items": .array(items)]))
    }

    @Sendable func deleteSandbox(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let sandbox: Sandbox?
        do {
            sandbox = try await sandboxes.get(id: id)
        } catch {
            throw APIProblem.badGateway("the \(sandboxes.kind) sandbox provider did not answer: \(error)")
        }
        guard let sandbox, sandbox.labels[SandboxLabels.managed] == "true" else {
            throw APIProblem.notFound("no sandbox \(id) created by Dayshift")
        }
        if let runID = sandbox.labels[SandboxLabels.run].flatMap(Int64.init), let run = try await store.run(id: runID), run.status == .running {
            throw APIProblem.conflict("sandbox \(id) belongs to run \(runID), which is running; cancel the run instead")
        }
        do {
            try await sandboxes.delete(id: id)
        } catch {
            throw APIProblem.badGateway("the \(sandboxes.kind) sandbox provider did not delete \(id): \(error)")
        }
        intake.logger.info("sandbox deleted by an operator", metadata: ["sandbox": "\(id)"])
        return Response(status: .noContent)
    }

    @Sendable func getQueue(_ request: Request, context: Context) async throws -> Response {
        let queue = try await store.queueSnapshot()
        let waitingRuns = Set(queue.waiting.map(\.runID))
        // Runs holding a slot, and runs from before the queue existed (running without a queue entry).
        let running = try await store.runs(matching: RunQuery(status: .running), limit: 1000).filter { !waitingRuns.contains($0.id) }
        let summaries = try await runSummaries(running)
        let queued = queue.waiting.map { run -> JSONValue in
            .object(["run": .int(run.runID), "issue": .string(run.issueKey), "installation": run.installation == 0 ? .null : .int(run.installation),
                     "position": .int(Int64(run.position)), "since": .time(run.since)])
        }
        let waiting = try await store.pendingMessages(limit: 1000).map { message -> JSONValue in
            .object(["message": .int(message.id), "issue": .string(message.issueKey), "command": .string(message.kind), "since": .time(message.createdAt)])
        }
        return Self.json(.object([
            "slots": .object(["limit": .int(Int64(configuration.runtime.maxConcurrentRuns)), "in_use": .int(Int64(queue.holding.count))]),
            "running": .array(running.compactMap { summaries[$0.id] }.map(JSONValue.object)),
            "queued": .array(queued),
            "waiting": .array(waiting),
        ]))
    }

    // MARK: helpers

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: value.encoded())))
    }

    static func decodeIDCursor(_ cursor: String) throws -> Int64 {
        guard let id = Int64(cursor), id > 0 else { throw APIProblem.badRequest("cursor: not a cursor this server gave") }
        return id
    }

    static func encodeKeyCursor(_ key: String) -> String {
        Data(key.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeKeyCursor(_ cursor: String) throws -> String {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let key = String(data: data, encoding: .utf8), IssueKey(key) != nil else {
            throw APIProblem.badRequest("cursor: not a cursor this server gave")
        }
        return key
    }
}
