import DayshiftConfig
import DayshiftCore
import Emulators
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IssueObjects
import Store
import Testing
import DayshiftServer
import Logging

/// Retries with alarms, hibernation, closing, and graceful shutdown, on real parts.
@Suite("Issue-object runtime", .serialized)
struct RuntimeBehaviourTests {
    static func fastRetries(_ configuration: inout DayshiftConfiguration) {
        configuration.steps.defaultRetry = RetryPolicy(attempts: 3, baseSeconds: 0.2, capSeconds: 1)
        configuration.runtime.pollIntervalSeconds = 0.05
    }

    @Test("a transient GitHub 502 is retried after a back-off alarm, and the run succeeds")
    func transientFailureRetried() async throws {
        try await EndToEndHarness.with(configure: Self.fastRetries) { harness in
            await harness.emulator.state.injectFault(method: "POST", pathPrefix: "/repos/octo/calculator/pulls", status: 502, count: 1)
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 11, title: "retry me", body: ""))
            let journal = try await harness.waitForFinishedRun(11)
            #expect(journal.run.status == .succeeded)
            #expect(journal.steps[.pull_request]?.attempt == 2)
            let alarms = try await harness.store.alarms(runID: journal.run.id)
            #expect(alarms.count == 1)
            #expect(alarms.first?.step == .pull_request)
            #expect(alarms.first?.firedAt != nil)
            #expect(await harness.pullRequests().count == 1)
        }
    }

    @Test("a failing setup command is permanent: no retry, the run fails and says why")
    func permanentFailureNotRetried() async throws {
        try await EndToEndHarness.with(configure: {
            Self.fastRetries(&$0)
            $0.repositories["octo/calculator"]?.setupCommand = "echo 'missing dependency' && exit 3"
        }) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 12, title: "setup breaks", body: ""))
            let journal = try await harness.waitForFinishedRun(12)
            #expect(journal.run.status == .failed)
            #expect(journal.steps[.setup]?.status == .failed)
            #expect(journal.steps[.setup]?.attempt == 1)
            #expect(journal.steps[.agent]?.status == .skipped)
            #expect(journal.steps[.cleanup]?.status == .succeeded)
            #expect(try await harness.store.alarms(runID: journal.run.id).isEmpty)
            let comment = try #require(await harness.comments(12).first)
            #expect(comment.body.contains("setup"))
            #expect(comment.body.contains("exited 3"))
            #expect(try await harness.sandboxCount() == 0)
        }
    }

    @Test("a retry alarm survives a restart and fires after it")
    func alarmSurvivesRestart() async throws {
        try await EndToEndHarness.with(configure: {
            Self.fastRetries(&$0)
            // 2–4 s (equal jitter): room to stop the server before the alarm is due.
            $0.steps.defaultRetry = RetryPolicy(attempts: 3, baseSeconds: 4, capSeconds: 4)
            // The tracking comment is posted at the start and not edited again before the report,
            // so the report's edit is the first PATCH, and the one the fault hits.
            $0.github.commentEditIntervalSeconds = 3600
        }) { harness in
            await harness.emulator.state.injectFault(method: "PATCH", pathPrefix: "/repos/octo/calculator/issues/comments/", status: 503, count: 1)
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 13, title: "alarm", body: ""))
            let store = try harness.store
            let key = harness.issueKey(13)
            try await harness.waitUntil(timeoutSeconds: 120, "a retry alarm") {
                guard let run = try await store.latestRun(issueKey: key) else { return false }
                return try await !store.alarms(runID: run.id).isEmpty
            }
            await harness.stopServer()
            // The alarm must still be waiting at the stop, or the restart proves nothing.
            let stopped = try #require(try await store.latestRun(issueKey: key))
            let pending = try await store.alarms(runID: stopped.id)
            try #require(pending.count == 1 && pending[0].firedAt == nil, "the alarm fired before the stop: \(pending)")
            #expect(stopped.status == .running)
            #expect(try await store.journal(runID: stopped.id)?.steps[.report]?.attempt == 1)
            try await harness.startServer()
            let journal = try await harness.waitForFinishedRun(13)
            #expect(journal.run.status == .succeeded)
            #expect(journal.steps[.report]?.attempt == 2)
            let fired = try await harness.store.alarms(runID: journal.run.id)
            #expect(fired.map(\.id) == pending.map(\.id) && fired.allSatisfy { $0.firedAt != nil }, "the same alarm fired after the restart")
            #expect(await harness.comments(13).count == 1)
        }
    }

    @Test("idle issue objects leave memory and come back from SQLite on their next message")
    func hibernation() async throws {
        try await EndToEndHarness.with(configure: {
            Self.fastRetries(&$0)
            $0.runtime.idleEvictionSeconds = 0.1
        }) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 14, title: "sleepy", body: ""))
            #expect(try await harness.waitForFinishedRun(14).run.status == .succeeded)
            let runtime = try #require(harness.instance?.runtime)
            try await harness.waitUntil("eviction") { await runtime.liveObjectCount() == 0 }
            try await harness.send(harness.payloads.commentCreated(number: 14, title: "sleepy", comment: "/dayshift retry"))
            try await harness.waitUntil("a second run") { try await harness.store.runs(issueKey: harness.issueKey(14)).count == 2 }
            let second = try await harness.waitForFinishedRun(14)
            #expect(second.run.sequence == 2)
            #expect(second.run.status == .succeeded)
            #expect(await harness.pullRequests().count == 1, "the second run updates the same pull request")
        }
    }

    @Test("issues.closed stops the running run and says so; issues.reopened does nothing by itself")
    func closedStopsRun() async throws {
        try await EndToEndHarness.with(agentScript: "sleep 60") { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 15, title: "closing", body: ""))
            let store = try harness.store
            let key = harness.issueKey(15)
            try await harness.waitUntil("the agent step") {
                guard let run = try await store.latestRun(issueKey: key) else { return false }
                return try await store.journal(runID: run.id)?.steps[.agent]?.status == .running
            }
            try await harness.send(harness.payloads.issueClosed(number: 15, title: "closing"))
            let journal = try await harness.waitForFinishedRun(15, timeoutSeconds: 30)
            #expect(journal.run.status == .cancelled)
            #expect(await harness.comments(15).first?.body.contains("cancelled") == true)
            var reopened = harness.payloads.issueClosed(number: 15, title: "closing")
            reopened.body = Data(String(decoding: reopened.body, as: UTF8.self).replacingOccurrences(of: "\"closed\"", with: "\"reopened\"").utf8)
            #expect(try await harness.send(reopened) == 202)
            // The delivery is stored (with its inbox message, if any) before the 202; wait until
            // the issue object has handled every message before counting runs.
            let guid = reopened.guid
            try await harness.waitUntil("the reopened delivery handled") {
                guard try await store.delivery(guid: guid) != nil else { return false }
                return try await store.messages(issueKey: key).allSatisfy { $0.handledAt != nil }
            }
            #expect(try await store.delivery(guid: guid)?.decision.isActed == false)
            #expect(try await store.runs(issueKey: key).count == 1)
        }
    }

    @Test("graceful shutdown refuses webhooks with 503, lets the running step finish, and the run resumes at the next start")
    func gracefulShutdown() async throws {
        // The agent runs until the test creates `release`, so the drain lasts as long as the test needs.
        let signals = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-drain-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: signals, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: signals) }
        let release = signals.appendingPathComponent("release")
        let agent = "while [ ! -e '\(release.path)' ]; do sleep 0.05; done\n" + EndToEndHarness.fixingAgent
        try await EndToEndHarness.with(agentScript: agent, configure: { $0.sandbox.local.readOnlyPaths.append(signals.path) }) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 16, title: "deploy now", body: ""))
            let store = try harness.store
            let key = harness.issueKey(16)
            try await harness.waitUntil("the agent step") {
                guard let run = try await store.latestRun(issueKey: key) else { return false }
                return try await store.journal(runID: run.id)?.steps[.agent]?.status == .running
            }
            let server = try #require(harness.server)
            async let stopped: Void = server.stop()
            // The gate is checked before the signature: an unsigned request stores nothing and
            // answers 401 while webhooks are taken, 503 once the shutdown has closed the gate.
            let webhooks = server.baseURL.appendingPathComponent("webhooks/github")
            try await harness.waitUntil("the intake gate to close") {
                var probe = URLRequest(url: webhooks)
                probe.httpMethod = "POST"
                let (_, response) = try await URLSession.shared.data(for: probe)
                return (response as? HTTPURLResponse)?.statusCode == 503
            }
            let late = harness.payloads.issueLabeled(number: 17, title: "too late", body: "")
            let status = try await late.send(to: server.baseURL.appendingPathComponent("webhooks/github"), secret: EndToEndHarness.secret).status
            #expect(status == 503)
            let draining = try #require(try await store.latestRun(issueKey: key))
            #expect(try await store.journal(runID: draining.id)?.steps[.agent]?.status == .running,
                    "the agent step was still running while the server drained")
            #expect(FileManager.default.createFile(atPath: release.path, contents: nil))
            await stopped
            let run = try #require(try await store.latestRun(issueKey: key))
            let steps = try #require(try await store.journal(runID: run.id)).steps
            #expect(run.status == .running)
            #expect(steps[.agent]?.status == .succeeded, "the running step finished")
            #expect(steps[.verify]?.status == .pending, "no new step started")
            #expect(try await store.delivery(guid: late.guid) == nil)

            try await harness.startServer()
            let journal = try await harness.waitForFinishedRun(16)
            #expect(journal.run.status == .succeeded)
            #expect(journal.steps[.agent]?.attempt == 1)
        }
    }
}

@Suite("Data directory lock")
struct DataDirectoryLockTests {
    @Test("a second server on the same data directory is refused with an error naming data_dir")
    func secondServerRefused() async throws {
        try await EndToEndHarness.with { harness in
            try await harness.startServer()
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            do {
                _ = try await DayshiftApplication.start(configuration: harness.configuration, logger: logger, environment: [:])
                Issue.record("the second server started")
            } catch let error as ConfigurationError {
                #expect(error.key == "data_dir")
                #expect("\(error)".contains("another Dayshift process is using"), "\(error)")
            }
            // Refused before the database is opened: nothing opens (or migrates) it under a running server.
            #expect(throws: ConfigurationError.self) { _ = try StoreOpening.openSQLite(harness.configuration, logger: logger) }
        }
    }
}
