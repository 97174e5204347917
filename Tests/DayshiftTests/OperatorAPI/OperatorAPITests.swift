import DayshiftConfig
import DayshiftCore
import DayshiftServer
import Emulators
import Foundation
import HTTPTypes
import HummingbirdTesting
import IssueObjects
import Logging
import NIOCore
import Sandboxes
import Store
import Testing

/// The operator API (`/api/v1`) on the whole application: a real run on the local runner against
/// the GitHub emulator, read, followed live, cancelled and retried over loopback HTTP.
@Suite("Operator API")
struct OperatorAPITests {
    static let token = "operator-token-\(UUID().uuidString)"

    static func withToken(_ configuration: inout DayshiftConfiguration) {
        configuration.server.operatorToken = token
    }

    @Test("no operator token configured: no /api/v1 routes at all; configured: every route wants it")
    func tokenGuardsEveryRoute() async throws {
        let directory = try TestDirectory("operator-auth")
        defer { directory.remove() }
        var configuration = OfflineApplication.configuration(in: directory)
        let without = try OfflineApplication.build(configuration)
        try await without.test(.router) { client in
            let status = try await client.execute(uri: "/api/v1/runs", method: .get, headers: [.authorization: "Bearer \(Self.token)"]) { $0.status }
            #expect(status == .notFound)
        }
        let data = directory.url.appendingPathComponent("second").path
        configuration.dataDirectory = data
        Self.withToken(&configuration)
        let with = try OfflineApplication.build(configuration)
        try await with.test(.router) { client in
            for path in ["runs", "runs/1", "issues", "deliveries", "queue", "config", "openapi.json", "sandboxes"] {
                for header in [nil, "Bearer wrong", "Bearer \(Self.token)x", "Basic \(Self.token)", "Bearer"] {
                    var headers = HTTPFields()
                    if let header { headers[.authorization] = header }
                    try await client.execute(uri: "/api/v1/\(path)", method: .get, headers: headers) { response in
                        #expect(response.status == .unauthorized, "\(path) with \(header ?? "no header")")
                        #expect(response.headers[.contentType] == "application/problem+json")
                        #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                        let problem = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                        #expect(problem?["status"] as? Int == 401)
                    }
                }
            }
            let status = try await client.execute(uri: "/api/v1/runs", method: .get, headers: [.authorization: "Bearer \(Self.token)"]) { $0.status }
            #expect(status == .ok)
        }
    }

    @Test("a finished run: list, detail with steps, log pages, deliveries with a replay, issue objects, configuration — no secret anywhere")
    func finishedRun() async throws {
        try await EndToEndHarness.with(configure: Self.withToken) { harness in
            let server = try await harness.startServer()
            let api = OperatorClient(baseURL: server.baseURL, token: Self.token)
            let labeled = harness.payloads.issueLabeled(number: 21, title: "Fix add", body: "add() subtracts")
            #expect(try await harness.send(labeled) == 202)
            let journal = try await harness.waitForFinishedRun(21)
            #expect(journal.run.status == .succeeded)
            var answers: [OperatorClient.Answer] = []

            let runs = try await api.call("GET", "runs")
            answers.append(runs)
            #expect(runs.status == 200 && runs.contentType == "application/json")
            let listed = try #require(try runs.items().first)
            #expect(listed["id"] as? Int == Int(journal.run.id))
            #expect(listed["status"] as? String == "succeeded")
            #expect(listed["issue"] as? String == harness.issueKey(21))
            #expect(listed["current_step"] is NSNull)
            #expect(listed["finished_at"] is String)
            #expect(try runs.object()["next_cursor"] is NSNull)
            #expect(try await api.call("GET", "runs?status=running").items().isEmpty)
            #expect(try await api.call("GET", "runs?repository=OCTO/Calculator").items().count == 1)
            #expect(try await api.call("GET", "runs?repository=octo/other").items().isEmpty)
            #expect(try await api.call("GET", "runs?since=2000-01-01T00:00:00Z&until=2999-01-01T00:00:00Z").items().count == 1)
            #expect(try await api.call("GET", "runs?until=2000-01-01T00:00:00Z").items().isEmpty)
            #expect(try await api.call("GET", "runs?since=2024-02-29T23:59:59.5Z").items().count == 1, "a real leap day is accepted")
            for bad in ["runs?status=done", "runs?limit=0", "runs?limit=501", "runs?since=yesterday",
                        "runs?since=10000-01-01T00:00:00Z", "runs?since=2026-02-30T00:00:00Z", "runs?until=2026-12-01T24:00:00Z",
                        "runs?until=2026-12-01T10:60:00Z", "runs?since=2026-13-01T00:00:00Z", "runs?cursor=abc", "runs/zero", "runs?limit=2&limit=3"] {
                let answer = try await api.call("GET", bad)
                #expect(answer.status == 400, "\(bad)")
                #expect(answer.contentType == "application/problem+json", "\(bad)")
            }
            #expect(try await api.call("GET", "runs/999999").status == 404)

            let detail = try await api.call("GET", "runs/\(journal.run.id)")
            answers.append(detail)
            let run = try detail.object()
            let steps = try #require(run["steps"] as? [[String: Any]])
            #expect(steps.map { $0["name"] as? String } == journal.stepsInOrder.map(\.name.rawValue))
            #expect(steps.allSatisfy { $0["status"] as? String == "succeeded" })
            #expect(steps.allSatisfy { $0["duration_seconds"] is Double })
            #expect((steps.first { $0["name"] as? String == "verify" }?["result"] as? String)?.contains("exited 0") == true)
            let pullRequest = try #require(run["pull_request"] as? [String: Any])
            #expect(pullRequest["number"] as? Int == (await harness.pullRequests().first?.number))

            // The log, whole and in pages of 3 continued with `after`.
            let whole = try await api.call("GET", "runs/\(journal.run.id)/logs?limit=500")
            answers.append(whole)
            let entries = try whole.items()
            #expect(try whole.object()["finished"] as? Bool == true)
            #expect(entries.count == 2 * journal.steps.count + 1)
            #expect(entries.map { $0["id"] as? Int ?? 0 } == Array(1...(2 * journal.steps.count + 1)))
            #expect(entries.last?["kind"] as? String == "run_finished")
            #expect((entries.last?["text"] as? String)?.hasPrefix("run succeeded") == true)
            var paged: [Int] = []
            var after = 0
            while true {
                let page = try await api.call("GET", "runs/\(journal.run.id)/logs?limit=3&after=\(after)").object()
                let ids = (page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                paged += ids
                if page["finished"] as? Bool == true { break }
                after = try #require(page["next_after"] as? Int)
                #expect(ids.count == 3)
            }
            #expect(paged == entries.map { $0["id"] as? Int ?? 0 })
            // A finished run's stream replays what is left after Last-Event-ID and ends.
            let stream = try await api.call("GET", "runs/\(journal.run.id)/logs/stream", headers: ["Last-Event-ID": "\(2 * journal.steps.count - 1)"])
            #expect(stream.status == 200 && stream.contentType == "text/event-stream")
            #expect(OperatorClient.events(stream.text).map(\.event) == ["log", "log", "end"])
            #expect(OperatorClient.events(stream.text).compactMap(\.id) == [2 * journal.steps.count, 2 * journal.steps.count + 1])

            // Deliveries, one with its payload, and a replay that acts again.
            let deliveries = try await api.call("GET", "deliveries")
            answers.append(deliveries)
            let delivery = try #require(try deliveries.items().first { $0["guid"] as? String == labeled.guid })
            #expect(delivery["decision"] as? String == "acted")
            #expect(delivery["replay_of"] is NSNull)
            #expect(try await api.call("GET", "deliveries?decision=ignored").items().allSatisfy { $0["decision"] as? String == "ignored" })
            #expect(try await api.call("GET", "deliveries?event=issues&decision=acted").items().count == 1)
            let one = try await api.call("GET", "deliveries/\(labeled.guid)")
            answers.append(one)
            let payload = try #require(try one.object()["payload"] as? [String: Any])
            #expect((payload["issue"] as? [String: Any])?["number"] as? Int == 21)
            #expect(try await api.call("GET", "deliveries/no-such-guid").status == 404)
            let replay = try await api.call("POST", "deliveries/\(labeled.guid)/replay")
            answers.append(replay)
            #expect(replay.status == 202)
            let replayed = try replay.object()
            #expect(replayed["replay_of"] as? String == labeled.guid)
            #expect(replayed["decision"] as? String == "acted")
            let replayGUID = try #require(replayed["guid"] as? String)
            #expect(try await harness.store.delivery(guid: replayGUID)?.replayOf == labeled.guid)
            // The replay is a second trigger for the same issue: a second run, which updates the PR.
            let second = try await harness.waitForFinishedRuns(21, count: 2, timeoutSeconds: 90)
            #expect(second.sequence == 2)

            // Issue objects.
            let objects = try await api.call("GET", "issues")
            answers.append(objects)
            let object = try #require(try objects.items().first)
            #expect(object["issue"] as? String == harness.issueKey(21))
            #expect(object["runs"] as? Int == 2)
            #expect(object["state"] as? String == "idle")
            #expect(try await api.call("GET", "issues?state=running").items().isEmpty)
            let detailed = try await api.call("GET", "issues/Octo/Calculator/21")
            answers.append(detailed)
            #expect((try detailed.object()["all_runs"] as? [Any])?.count == 2)
            #expect(try await api.call("GET", "issues/octo/calculator/99").status == 404)

            // Configuration and the document.
            let config = try await api.call("GET", "config")
            answers.append(config)
            let settings = try config.object()
            #expect((settings["webhook"] as? [String: Any])?["secret"] as? String == "[set]")
            #expect((settings["server"] as? [String: Any])?["operator_token"] as? String == "[set]")
            #expect((settings["github"] as? [String: Any])?["private_key_pem"] as? String == "[set]")
            #expect((settings["server"] as? [String: Any])?["max_body_bytes"] as? Int == harness.configuration.server.maxBodyBytes)
            let document = try await api.call("GET", "openapi.json").object()
            #expect(document["openapi"] as? String == "3.1.0")
            answers.append(try await api.call("GET", "queue"))
            answers.append(try await api.call("GET", "sandboxes"))

            for answer in answers {
                for secret in [EndToEndHarness.secret, Self.token, harness.configuration.github.privateKeyPEM] {
                    #expect(!SecretForms.occurs(secret, in: answer.text), "a secret in \(answer.text.prefix(200))")
                }
            }
        }
    }

    @Test("a running run: followed live over Server-Sent Events, seen in the queue and sandboxes, cancelled, then retried")
    func cancelAndRetry() async throws {
        try await EndToEndHarness.with(agentScript: "sleep 60", configure: Self.withToken) { harness in
            let server = try await harness.startServer()
            let api = OperatorClient(baseURL: server.baseURL, token: Self.token)
            try await harness.send(harness.payloads.issueLabeled(number: 22, title: "slow", body: ""))
            let store = try harness.store
            let key = harness.issueKey(22)
            let run = try await harness.waitForRunningStep(.agent, issue: 22)
            // Followed from the start: the stream stays open while the agent runs.
            async let followed = api.call("GET", "runs/\(run.id)/logs/stream")

            let queue = try await api.call("GET", "queue").object()
            let running = try #require((queue["running"] as? [[String: Any]])?.first)
            #expect(running["current_step"] as? String == "agent")
            #expect((queue["slots"] as? [String: Any])?["in_use"] as? Int == 1)
            let sandboxes = try await api.call("GET", "sandboxes").items()
            let sandbox = try #require(sandboxes.first)
            #expect(sandbox["run"] as? Int == Int(run.id))
            let sandboxID = try #require(sandbox["id"] as? String)
            #expect(try await api.call("DELETE", "sandboxes/\(sandboxID)").status == 409)
            #expect(try await api.call("DELETE", "sandboxes/no-such-sandbox").status == 404)
            #expect(try await api.call("POST", "runs/\(run.id)/retry").status == 409)

            let cancel = try await api.call("POST", "runs/\(run.id)/cancel")
            #expect(cancel.status == 202)
            let action = try cancel.object()
            #expect(action["action"] as? String == "cancel")
            let finished = try await harness.waitForFinishedRun(22, timeoutSeconds: 60)
            #expect(finished.run.status == .cancelled)
            let actionGUID = try #require(action["delivery"] as? String)
            let stored = try #require(try await store.delivery(guid: actionGUID))
            #expect(stored.event == "dayshift.operator" && stored.decision.isActed)
            #expect(try await api.call("POST", "runs/\(run.id)/cancel").status == 409)

            let stream = try await followed
            let events = OperatorClient.events(stream.text)
            #expect(events.last?.event == "end")
            let logs = events.filter { $0.event == "log" }
            #expect(logs.compactMap(\.id) == logs.compactMap(\.id).sorted())
            #expect(logs.contains { $0.data.contains(#""kind":"step_started""#) && $0.data.contains(#""step":"agent""#) })
            // Written after the stream opened: the agent's failure and the run's end.
            #expect(logs.contains { $0.data.contains(#""kind":"step_failed""#) && $0.data.contains(#""step":"agent""#) })
            #expect(logs.last?.data.contains("run cancelled") == true)

            let retry = try await api.call("POST", "runs/\(run.id)/retry")
            #expect(retry.status == 202)
            try await harness.waitUntil(timeoutSeconds: 60, "a second run") { try await store.runs(issueKey: key).count == 2 }
            let again = try #require(try await store.latestRun(issueKey: key))
            #expect(again.sequence == 2)
            #expect(try await api.call("POST", "runs/\(again.id)/cancel").status == 202)
            _ = try await harness.waitForFinishedRuns(22, count: 2, timeoutSeconds: 60)
        }
    }

    @Test("a sandbox Dayshift created for a finished run can be deleted; others are not found")
    func deleteSandbox() async throws {
        try await EndToEndHarness.with(configure: Self.withToken) { harness in
            let server = try await harness.startServer()
            let api = OperatorClient(baseURL: server.baseURL, token: Self.token)
            try await harness.send(harness.payloads.issueLabeled(number: 23, title: "Fix add", body: ""))
            let journal = try await harness.waitForFinishedRun(23)
            let sandboxes = try #require(harness.instance?.sandboxes)
            let leaked = try await sandboxes.create(SandboxCreateRequest(
                name: "leaked", labels: [SandboxLabels.managed: "true", SandboxLabels.run: String(journal.run.id)], environment: [:]))
            let foreign = try await sandboxes.create(SandboxCreateRequest(name: "foreign", labels: [:], environment: [:]))
            #expect(try await api.call("GET", "sandboxes").items().map { $0["id"] as? String } == [leaked.id])
            #expect(try await api.call("DELETE", "sandboxes/\(foreign.id)").status == 404)
            #expect(try await api.call("DELETE", "sandboxes/\(leaked.id)").status == 204)
            #expect(try await sandboxes.get(id: leaked.id) == nil)
            #expect(try await sandboxes.get(id: foreign.id) != nil)
            try await sandboxes.delete(id: foreign.id)
        }
    }
}
