import DayshiftCore
import DayshiftServer
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `/metrics` and `/readyz` of a real server over loopback HTTP, around the main job on the local
/// runner and the GitHub emulator (``EndToEndHarness``).
@Suite("Metrics and readiness end to end", .serialized)
struct MetricsEndToEndTests {
    static func get(_ url: URL) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test("after a run, /metrics shows a duration per step, the run by its final status, the delivery and GitHub's answers")
    func runIsMeasured() async throws {
        try await EndToEndHarness.with { harness in
            let server = try await harness.startServer()
            let metricsURL = server.baseURL.appendingPathComponent("metrics")
            #expect(try await harness.send(harness.payloads.issueLabeled(number: 7, title: "add() subtracts", body: "2 + 3 gives -1")) == 202)
            let journal = try await harness.waitForFinishedRun(7)
            #expect(journal.run.status == .succeeded)
            // The counter moves just after the run's end is committed: wait for it, then read everything.
            try await harness.waitUntil("the finished run to be counted") {
                PrometheusText(try await Self.get(metricsURL).body).value(DayshiftMetrics.Name.runsFinished, ["status": "succeeded"]) == 1
            }
            let metrics = PrometheusText(try await Self.get(metricsURL).body)
            for step in StepName.allCases where journal.steps[step]?.status == .succeeded {
                #expect(metrics.value("\(DayshiftMetrics.Name.stepDuration)_count", ["step": step.rawValue, "outcome": "succeeded"]) == 1,
                        "one duration for \(step.rawValue)")
                #expect(metrics.value("\(DayshiftMetrics.Name.stepDuration)_bucket", ["step": step.rawValue, "le": "+Inf"]) == 1)
            }
            #expect(metrics.sum("\(DayshiftMetrics.Name.stepDuration)_count", ["outcome": "failed"]) == 0)
            #expect(metrics.value(DayshiftMetrics.Name.runsFinished, ["status": "failed"]) == 0)
            #expect(metrics.value(DayshiftMetrics.Name.deliveries, ["event": "issues", "decision": "acted"]) == 1)
            #expect(metrics.value(DayshiftMetrics.Name.runsRunning) == 0)
            // The run opened a pull request and commented: GitHub answered 201 at least twice.
            #expect((metrics.value(DayshiftMetrics.Name.outboundRequests, ["service": "github", "status": "201"]) ?? 0) >= 2)
            // (A 404 is an answer Dayshift expects, e.g. for a branch not made yet; no request went unanswered.)
            #expect(metrics.sum(DayshiftMetrics.Name.outboundRequests, ["status": "none"]) == 0)
            #expect((metrics.value(DayshiftMetrics.Name.databaseSize) ?? 0) > 0)
            #expect(!metrics.text.contains(EndToEndHarness.secret))
            #expect(!metrics.text.contains("PRIVATE KEY"))
        }
    }

    @Test("/readyz answers 200, then 503 naming draining while a stopping server lets its running step finish")
    func readyzWhileDraining() async throws {
        // The agent runs until the test creates `release`, so the drain lasts as long as the test needs.
        let signals = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-readyz-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: signals, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: signals) }
        let release = signals.appendingPathComponent("release")
        let agent = "while [ ! -e '\(release.path)' ]; do sleep 0.05; done\n" + EndToEndHarness.fixingAgent
        try await EndToEndHarness.with(agentScript: agent, configure: { $0.sandbox.local.readOnlyPaths.append(signals.path) }) { harness in
            let server = try await harness.startServer()
            let readyz = server.baseURL.appendingPathComponent("readyz")
            let ready = try await Self.get(readyz)
            #expect(ready.status == 200)
            #expect(ready.body.contains(#""status":"ready""#))
            try await harness.send(harness.payloads.issueLabeled(number: 16, title: "deploy now", body: ""))
            let store = try harness.store
            let key = harness.issueKey(16)
            try await harness.waitUntil("the agent step") {
                guard let run = try await store.latestRun(issueKey: key) else { return false }
                return try await store.journal(runID: run.id)?.steps[.agent]?.status == .running
            }
            let metrics = PrometheusText(try await Self.get(server.baseURL.appendingPathComponent("metrics")).body)
            #expect(metrics.value(DayshiftMetrics.Name.runsRunning) == 1)
            async let stopped: Void = server.stop()
            var draining: (status: Int, body: String) = (0, "")
            try await harness.waitUntil("/readyz to say the server is draining") {
                draining = try await Self.get(readyz)
                return draining.status == 503
            }
            let json = try JSONSerialization.jsonObject(with: Data(draining.body.utf8)) as? [String: Any]
            #expect(json?["failed"] as? [String] == ["draining"])
            #expect(FileManager.default.createFile(atPath: release.path, contents: nil))
            await stopped
        }
    }
}
