import DayshiftConfig
import DayshiftCore
import Emulators
import Foundation
import IssueObjects
import Store
import Testing

/// The main job with Daytona sandboxes (Dayshift's REST client against the in-repo emulator),
/// through every fault the emulator can inject: each run ends `succeeded` or `failed`, with a
/// report on the issue and no sandbox left behind.
@Suite("Main job on Daytona", .serialized)
struct DaytonaMainJobTests {
    static func tightTimings(_ configuration: inout DayshiftConfiguration) {
        configuration.steps.defaultRetry = RetryPolicy(attempts: 3, baseSeconds: 0.2, capSeconds: 1)
        configuration.runtime.pollIntervalSeconds = 0.05
        configuration.sandbox.daytona.startTimeoutSeconds = 2
        configuration.sandbox.daytona.requestTimeoutSeconds = 2
        configuration.sandbox.reaperGraceSeconds = 0
    }

    /// A fault, when to inject it, and the outcome it must lead to.
    struct Scenario: Sendable, CustomTestStringConvertible {
        var fault: DaytonaFault
        /// Inject once the clone step has started (the sandbox exists by then).
        var midRun = false
        /// The outcomes allowed: one, or both when the fault's effect depends on which call it hits.
        var expected: Set<RunStatus>
        var testDescription: String { "\(fault)" }
    }

    static let scenarios: [Scenario] = [
        Scenario(fault: .rateLimited(count: 2, retryAfterSeconds: 1, throttler: "sandbox-create"), expected: [.succeeded]),
        Scenario(fault: .toolboxBadGateway(count: 2), expected: [.succeeded]),
        // A 408 is a command that timed out: Dayshift's own git calls retry it, but an agent or
        // test command that "times out" is a verdict, so the run may fail (with its report).
        Scenario(fault: .execTimeout(count: 1), expected: [.succeeded, .failed]),
        Scenario(fault: .conflictDuringTransition(count: 2), expected: [.succeeded]),
        Scenario(fault: .createSucceedsLate(delaySeconds: 3), expected: [.succeeded]),
        Scenario(fault: .createEndsInError(reason: "no capacity in region"), expected: [.failed]),
        Scenario(fault: .createStuckInCreating, expected: [.failed]),
        Scenario(fault: .sandboxDisappears, midRun: true, expected: [.failed]),
    ]

    @Test("the main job ends succeeded or failed, reports on the issue, and leaves no sandbox", arguments: scenarios)
    func mainJobThroughFault(scenario: Scenario) async throws {
        try await EndToEndHarness.withDaytona(configure: Self.tightTimings) { harness, daytona in
            if !scenario.midRun { await daytona.state.inject(scenario.fault) }
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 31, title: "daytona", body: ""))
            if scenario.midRun {
                let store = try harness.store
                try await harness.waitUntil("the clone step") {
                    guard let run = try await store.latestRun(issueKey: harness.issueKey(31)) else { return false }
                    return try await store.journal(runID: run.id)?.steps[.provision]?.status == .succeeded
                }
                await daytona.state.inject(scenario.fault)
            }
            let journal = try await harness.waitForFinishedRun(31, timeoutSeconds: 120)
            #expect(scenario.expected.contains(journal.run.status), "\(journal.failedStep?.error ?? "")")
            #expect(await harness.comments(31).count == 1)
            // The fault really acted: a counted one used up every count, the others at least once.
            let fired = await daytona.state.timesFired(scenario.fault)
            let firings = await daytona.state.firedFaults
            if let count = scenario.fault.count {
                #expect(fired == count, "\(scenario.fault) fired \(fired) times: \(firings)")
            } else {
                #expect(fired >= 1, "\(scenario.fault) never fired")
            }
            await daytona.state.clearFaults()
            if case .createStuckInCreating = scenario.fault {
                // Daytona refuses to delete a sandbox mid-transition; its platform ends a stuck
                // `creating` in `error` (after 15 minutes), and then the leak reaper deletes it.
                #expect(await daytona.state.expireStuckTransitions() >= 1)
                let sweep = try await #require(harness.instance).reaper.sweep()
                #expect(!sweep.reaped.isEmpty)
            }
            try await harness.waitUntil("no sandbox left") {
                await daytona.state.sandboxes.filter { $0.state.rawValue != "destroying" && $0.state.rawValue != "destroyed" }.isEmpty
            }
            let creates = await daytona.state.recordedRequests.filter { $0.method == "POST" && $0.path == "/api/sandbox" }
            if case .createSucceedsLate = scenario.fault {
                #expect(creates.count == 1, "a create that succeeded late must be adopted, not repeated")
            }
        }
    }

    @Test("a wrong Daytona API key fails the provision step at once, naming the key's setting")
    func wrongAPIKeyFailsAtOnce() async throws {
        try await EndToEndHarness.withDaytona(configure: {
            Self.tightTimings(&$0)
            $0.sandbox.daytona.apiKey = "not-the-daytona-key"
        }) { harness, daytona in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 33, title: "wrong key", body: ""))
            let journal = try await harness.waitForFinishedRun(33, timeoutSeconds: 60)
            #expect(journal.run.status == .failed)
            let provision = try #require(journal.steps[.provision])
            #expect(provision.status == .failed)
            #expect(provision.attempt == 1, "a refused key is permanent: no retry")
            let error = provision.error ?? ""
            #expect(error.contains("401"), "\(error)")
            #expect(error.contains("sandbox.daytona.api_key_file") && error.contains("DAYSHIFT_DAYTONA_API_KEY"), "\(error)")
            #expect(!error.contains("not-the-daytona-key"), "the key itself never appears")
            #expect(try await harness.store.alarms(runID: journal.run.id).filter { $0.step == .provision }.isEmpty)
            let refused = await daytona.state.recordedRequests.filter { $0.surface != .control }
            #expect(!refused.isEmpty && refused.allSatisfy { $0.responseStatus == 401 }, "the emulator refused the key")
            #expect(await harness.comments(33).count == 1)
        }
    }

    @Test("every Daytona request of a run matches Daytona's OpenAPI descriptions",
          .enabled(if: DaytonaSpecValidation.isAvailable, "../shared/specs/daytona is absent: skipping the spec check"))
    func requestsMatchSpec() async throws {
        try await EndToEndHarness.withDaytona(configure: Self.tightTimings) { harness, daytona in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 32, title: "spec", body: ""))
            #expect(try await harness.waitForFinishedRun(32).run.status == .succeeded)
            let recorded = await daytona.state.recordedRequests
            #expect(recorded.contains { $0.surface == .toolbox })
            #expect(DaytonaSpecValidation.problems(recorded) == [])
            let unauthenticated = recorded.filter { $0.surface != .control && !$0.hasAuthorization }
            #expect(unauthenticated.isEmpty)
        }
    }
}
