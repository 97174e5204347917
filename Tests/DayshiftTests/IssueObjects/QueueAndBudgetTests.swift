import DayshiftConfig
import DayshiftCore
import DayshiftServer
import Emulators
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IssueObjects
import Store
import Testing

/// The fair queue (`runtime.max_concurrent_runs`) and the daily budgets (`budgets.*`), end to end:
/// real local-sandbox runs against the GitHub emulator. The fake agent appends `start`/`stop`
/// lines to a file outside the sandbox, so the test sees which agents ran at the same time.
@Suite("Queue and budgets", .serialized)
struct QueueAndBudgetTests {
    /// An agent that logs `start <repo>#<n>` and `stop <repo>#<n>` around `body` and the fix.
    static func loggingAgent(_ log: URL, body: String = "sleep 1") -> String {
        """
        echo "start $DAYSHIFT_REPOSITORY#$DAYSHIFT_ISSUE_NUMBER" >> '\(log.path)'
        \(body)
        \(EndToEndHarness.fixingAgent)
        echo "stop $DAYSHIFT_REPOSITORY#$DAYSHIFT_ISSUE_NUMBER" >> '\(log.path)'
        """
    }

    /// The log's lines as (event, issue) pairs, in the order they were written.
    static func events(_ log: URL) throws -> [(event: String, issue: String)] {
        guard FileManager.default.fileExists(atPath: log.path) else { return [] }
        return try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map { line in
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }

    /// The most agents that were running at once, by the log.
    static func maxConcurrent(_ events: [(event: String, issue: String)]) -> Int {
        var running = 0
        var most = 0
        for event in events {
            running += event.event == "start" ? 1 : -1
            most = max(most, running)
        }
        return most
    }

    @Test("10 issues at once with 2 slots: never more than 2 agents, all finish, two installations alternate")
    func tenIssuesTwoSlotsFairAcrossInstallations() async throws {
        let scratch = try TestDirectory("queue-fair")
        defer { scratch.remove() }
        let log = scratch.url.appendingPathComponent("agents.log")
        let other = try await SampleRepository.create(in: scratch.url.appendingPathComponent("acme"))
        try await EndToEndHarness.with(agentScript: Self.loggingAgent(log), configure: { configuration in
            configuration.runtime.maxConcurrentRuns = 2
            configuration.sandbox.local.writablePaths.append(scratch.path)
            var settings = RepositorySettings()
            settings.cloneURL = other.cloneURL
            settings.testCommand = "python3 -m unittest -q"
            configuration.repositories["acme/calculator"] = settings
        }) { harness in
            // A second organisation: its own account, installation and repository.
            await harness.emulator.state.registerRepository(owner: "acme", repo: "calculator", bareDirectory: other.bareDirectory)
            await harness.emulator.state.addInstallation(id: 2, account: "acme")
            var acme = WebhookPayloadBuilder(owner: "acme", repo: "calculator", cloneURL: "https://github.com/acme/calculator.git")
            acme.installationID = 2
            let server = try await harness.startServer()

            // The busy organisation triggers first, all at once; the other one right after.
            for number in 1...5 {
                #expect(try await harness.send(harness.payloads.issueLabeled(number: number, title: "octo \(number)", body: "")) == 202)
            }
            for number in 11...15 {
                await harness.emulator.state.seedIssue(owner: "acme", repo: "calculator", number: number, title: "acme \(number)", body: nil)
                let delivery = acme.issueLabeled(number: number, title: "acme \(number)", body: "")
                #expect(try await delivery.send(to: server.baseURL.appendingPathComponent("webhooks/github"), secret: EndToEndHarness.secret).status == 202)
            }

            let store = try harness.store
            let keys = (1...5).map { "octo/calculator#\($0)" } + (11...15).map { "acme/calculator#\($0)" }
            try await harness.waitUntil(timeoutSeconds: 180, "all 10 runs finished") {
                var finished = 0
                for key in keys where try await store.latestRun(issueKey: key)?.status.isFinal == true { finished += 1 }
                return finished == keys.count
            }
            for key in keys {
                #expect(try await store.latestRun(issueKey: key)?.status == .succeeded, "\(key)")
            }

            let events = try Self.events(log)
            #expect(events.filter { $0.event == "start" }.count == 10)
            #expect(Self.maxConcurrent(events) <= 2)
            #expect(Self.maxConcurrent(events) == 2)  // the two slots were used

            // Slots given, by organisation: once both have runs waiting, turns alternate (the agents'
            // own start times can swap two runs admitted together, so the queue's record is read).
            let admitted = try await store.admissionOrder().map { $0.hasPrefix("acme/") ? "acme" : "octo" }
            #expect(admitted.count == 10)
            let firstAcme = try #require(admitted.firstIndex(of: "acme"))
            #expect(firstAcme <= 2, "the second organisation waited behind the first one's whole backlog: \(admitted)")
            var alternating = Array(admitted[firstAcme...])
            while alternating.count >= 2, alternating[alternating.count - 1] == alternating[alternating.count - 2] { alternating.removeLast() }
            for (a, b) in zip(alternating, alternating.dropFirst()) {
                #expect(a != b, "turns did not alternate: \(admitted)")
            }
            #expect(alternating.count >= 6, "turns did not alternate: \(admitted)")
            // And the agents ran in the same fair rounds: acme's first agent started before octo's third.
            let starts = events.filter { $0.event == "start" }.map { $0.issue.hasPrefix("acme/") ? "acme" : "octo" }
            #expect((starts.firstIndex(of: "acme") ?? 10) <= 3, "\(starts)")

            // Queued runs said so on their issue, in their one tracking comment (its first versions).
            let lastComments = await harness.emulator.state.comments(owner: "acme", repo: "calculator", issue: 15)
            #expect(lastComments.count == 1, "\(lastComments.map(\.body))")
            let versions = await harness.emulator.state.commentHistory(owner: "acme", repo: "calculator", id: lastComments.first?.id ?? 0)
            #expect(versions.first?.body.contains("queued, position") == true, "\(versions.map(\.body))")
            #expect(versions.last?.body.contains("the tests pass") == true, "\(versions.last?.body ?? "")")
            let queue = try await store.queueSnapshot()
            #expect(queue.holding.isEmpty && queue.waiting.isEmpty)
        }
    }

    @Test("a queued run survives a restart in its place, and the queue is shown to operators")
    func queuedRunsSurviveRestartInOrder() async throws {
        let scratch = try TestDirectory("queue-restart")
        defer { scratch.remove() }
        let log = scratch.url.appendingPathComponent("agents.log")
        let go = scratch.url.appendingPathComponent("go")
        let token = "operator-token-\(UUID().uuidString)"
        try await EndToEndHarness.with(agentScript: Self.loggingAgent(log, body: "while [ ! -f '\(go.path)' ]; do sleep 0.1; done"), configure: { configuration in
            configuration.runtime.maxConcurrentRuns = 1
            configuration.server.shutdownGraceSeconds = 1
            configuration.server.operatorToken = token
            configuration.sandbox.local.writablePaths.append(scratch.path)
        }) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 1, title: "first", body: ""))
            try await harness.waitForRunningStep(.agent, issue: 1)
            try await harness.send(harness.payloads.issueLabeled(number: 3, title: "second", body: ""))
            // Each issue object handles its own inbox: #3 is queued before #2 is sent, so the
            // positions each was told are known (a position is the one at the time it was queued).
            try await harness.waitUntil("#3 queued") { try await harness.store.queueSnapshot().waiting.count == 1 }
            try await harness.send(harness.payloads.issueLabeled(number: 2, title: "third", body: ""))
            try await harness.waitUntil("two runs queued") { try await harness.store.queueSnapshot().waiting.count == 2 }
            try await harness.waitUntil("both told their position") {
                let third = await harness.comments(3), second = await harness.comments(2)
                return third.contains { $0.body.contains("queued, position 1") } && second.contains { $0.body.contains("queued, position 2") }
            }

            let server = try #require(harness.server)
            let api = OperatorClient(baseURL: server.baseURL, token: token)
            let queue = try await api.call("GET", "queue").object()
            #expect((queue["slots"] as? [String: Any])?["limit"] as? Int == 1)
            #expect((queue["slots"] as? [String: Any])?["in_use"] as? Int == 1)
            #expect((queue["running"] as? [[String: Any]])?.compactMap { $0["issue"] as? String } == [harness.issueKey(1)])
            let queued = try #require(queue["queued"] as? [[String: Any]])
            #expect(queued.compactMap { $0["issue"] as? String } == [harness.issueKey(3), harness.issueKey(2)])
            #expect(queued.compactMap { $0["position"] as? Int } == [1, 2])
            // And in /metrics: two runs queued, one slot in use, three runs running.
            let (data, _) = try await URLSession.shared.data(from: server.baseURL.appendingPathComponent("metrics"))
            let metrics = PrometheusText(String(decoding: data, as: UTF8.self))
            #expect(metrics.value(DayshiftMetrics.Name.runsQueued) == 2)
            #expect(metrics.value(DayshiftMetrics.Name.slotsInUse) == 1)
            #expect(metrics.value(DayshiftMetrics.Name.runsRunning) == 3)

            await harness.stopServer()
            try await harness.startServer()
            try Data().write(to: go)
            for number in [1, 3, 2] {
                #expect(try await harness.waitForFinishedRun(number, timeoutSeconds: 90).run.status == .succeeded)
            }
            // #1's agent started before the restart and again after it; then #3, then #2, one at a time.
            let events = try Self.events(log)
            let lastFirst = try #require(events.lastIndex { $0.event == "start" && $0.issue == "octo/calculator#1" })
            let tail = Array(events[lastFirst...])
            let stopOfFirst = try #require(tail.firstIndex { $0.event == "stop" && $0.issue == "octo/calculator#1" })
            let startOfThird = try #require(tail.firstIndex { $0.event == "start" && $0.issue == "octo/calculator#3" })
            #expect(stopOfFirst < startOfThird)
            let rest = tail.filter { !($0.event == "stop" && $0.issue == "octo/calculator#1") }.map { "\($0.event) \($0.issue)" }
            #expect(rest == ["start octo/calculator#1", "start octo/calculator#3", "stop octo/calculator#3", "start octo/calculator#2", "stop octo/calculator#2"])
            // Told in its one tracking comment, across the restart.
            let comments = await harness.comments(2)
            #expect(comments.count == 1, "\(comments.map(\.body))")
            let versions = await harness.emulator.state.commentHistory(owner: EndToEndHarness.owner, repo: EndToEndHarness.repo, id: comments.first?.id ?? 0)
            #expect(versions.contains { $0.body.contains("queued, position 2") }, "\(versions.map(\.body))")
        }
    }

    @Test("a queued run is cancelled by /dayshift cancel and by the operator API; it never takes a sandbox")
    func cancelQueuedRun() async throws {
        let scratch = try TestDirectory("queue-cancel")
        defer { scratch.remove() }
        let log = scratch.url.appendingPathComponent("agents.log")
        let go = scratch.url.appendingPathComponent("go")
        let token = "operator-token-\(UUID().uuidString)"
        try await EndToEndHarness.with(agentScript: Self.loggingAgent(log, body: "while [ ! -f '\(go.path)' ]; do sleep 0.1; done"), configure: { configuration in
            configuration.runtime.maxConcurrentRuns = 1
            configuration.server.operatorToken = token
            configuration.sandbox.local.writablePaths.append(scratch.path)
        }) { harness in
            let server = try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 1, title: "first", body: ""))
            try await harness.waitForRunningStep(.agent, issue: 1)
            try await harness.send(harness.payloads.issueLabeled(number: 2, title: "second", body: ""))
            try await harness.send(harness.payloads.issueLabeled(number: 3, title: "third", body: ""))
            try await harness.waitUntil("two runs queued") { try await harness.store.queueSnapshot().waiting.count == 2 }

            try await harness.send(harness.payloads.commentCreated(number: 2, title: "second", comment: "/dayshift cancel"))
            let cancelled = try await harness.waitForFinishedRun(2)
            #expect(cancelled.run.status == .cancelled)
            #expect(cancelled.steps[.provision]?.status == .skipped)
            #expect(cancelled.steps[.agent]?.status == .skipped)

            let api = OperatorClient(baseURL: server.baseURL, token: token)
            let third = try #require(try await harness.store.latestRun(issueKey: harness.issueKey(3)))
            #expect(try await api.call("POST", "runs/\(third.id)/cancel").status == 202)
            let cancelledByOperator = try await harness.waitForFinishedRun(3)
            #expect(cancelledByOperator.run.status == .cancelled)
            #expect(cancelledByOperator.steps[.provision]?.status == .skipped)
            #expect(try await harness.store.queueSnapshot().waiting.isEmpty)

            try Data().write(to: go)
            #expect(try await harness.waitForFinishedRun(1).run.status == .succeeded)
            #expect(try Self.events(log).filter { $0.event == "start" }.map(\.issue) == ["octo/calculator#1"])
            #expect(try await harness.sandboxCount() == 0)
            let queue = try await harness.store.queueSnapshot()
            #expect(queue.holding.isEmpty && queue.waiting.isEmpty)
        }
    }

    @Test("a run over budgets.daily_runs is refused, and the issue is told once, politely")
    func dailyRunBudgetRefusesOnce() async throws {
        try await EndToEndHarness.with(configure: { $0.budgets.dailyRuns = 1 }) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 1, title: "first", body: ""))
            #expect(try await harness.waitForFinishedRun(1).run.status == .succeeded)

            let store = try harness.store
            try await harness.send(harness.payloads.issueLabeled(number: 2, title: "second", body: ""))
            try await harness.waitUntil("the refusal noted") { await harness.comments(2).count == 1 }
            try await harness.send(harness.payloads.commentCreated(number: 2, title: "second", comment: "/dayshift"))
            try await harness.waitUntil("both triggers handled") {
                let messages = try await store.messages(issueKey: harness.issueKey(2))
                return messages.count == 2 && messages.allSatisfy { $0.handledAt != nil }
            }
            let outcomes = try await store.messages(issueKey: harness.issueKey(2)).compactMap(\.outcome)
            #expect(outcomes.count == 2)
            #expect(outcomes.allSatisfy { $0.hasPrefix("refused: daily run budget reached for repository octo/calculator: 1 of 1 run") })
            #expect(try await store.runs(issueKey: harness.issueKey(2)).isEmpty)
            let comments = await harness.comments(2)
            #expect(comments.count == 1)
            let body = try #require(comments.first?.body)
            #expect(body.hasPrefix("Sorry, Dayshift did not start a run"))
            #expect(body.contains("`budgets.daily_runs`: 1 of 1 run has already started today"))
            #expect(body.contains("octo/calculator"))
            #expect(try await store.runs(issueKey: harness.issueKey(1)).count == 1)
            #expect(await harness.pullRequests().count == 1)
        }
    }
}
