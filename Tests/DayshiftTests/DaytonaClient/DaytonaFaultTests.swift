import Emulators
import Foundation
import Sandboxes
import Testing

extension DaytonaClient {
    /// Every emulated Daytona failure, handled by a retry or surfaced as a clear error.
    @Suite("Daytona faults", .timeLimit(.minutes(2)))
    struct FaultTests {
        @Test func createStuckInCreatingTimesOut() async throws {
            try await withDaytona(faults: [.createStuckInCreating], tweak: { $0.startTimeoutSeconds = 1.5 }) { fixture in
                let started = Date()
                do {
                    _ = try await fixture.provider.create(DaytonaFixture.request())
                    Issue.record("a sandbox stuck in creating must not be returned")
                } catch let error as SandboxError {
                    guard case .createFailed(let message) = error else { Issue.record("expected createFailed, got \(error)"); return }
                    #expect(message.contains("did not start within 1.5 s"))
                    #expect(message.contains("creating"))
                }
                // Far less than forever (the sandbox never leaves `creating`), however loaded the machine.
                #expect(Date().timeIntervalSince(started) < 30)
                // The client tried to clean up; Daytona refuses (409) while creating, so it stays for the reaper.
                #expect(await fixture.requests("DELETE", prefix: "/sandbox/").map(\.responseStatus) == [409])
                // Polling followed the SDK cadence: 100 ms steps.
                #expect(fixture.sleeps.recorded.prefix(5).allSatisfy { abs($0 - 0.1) < 1e-6 })
            }
        }

        @Test func createEndingInErrorFailsWithTheReasonAndLeavesNothing() async throws {
            try await withDaytona(faults: [.createEndsInError(reason: "no runner available")]) { fixture in
                await #expect(throws: SandboxError.createFailed("no runner available")) {
                    _ = try await fixture.provider.create(DaytonaFixture.request())
                }
                #expect(await fixture.requests("POST", "/sandbox").map(\.responseStatus) == [400])
                #expect(await eventually { await fixture.state.sandboxes.isEmpty }, "the errored sandbox was deleted")
            }
        }

        @Test func rateLimitHonoursRetryAfter() async throws {
            try await withDaytona(faults: [.rateLimited(count: 2, retryAfterSeconds: 1, throttler: "sandbox-create")]) { fixture in
                let sandbox = try await fixture.provider.create(DaytonaFixture.request())
                #expect(sandbox.state == "started")
                let limited = await fixture.requests().filter { $0.responseStatus == 429 }
                #expect(limited.count == 2)
                #expect(fixture.sleeps.recorded.filter { $0 == 1.0 }.count == 2, "waited Retry-After (1 s) before each retry")
                #expect(await fixture.state.sandboxes.count == 1)
            }
        }

        @Test("waiting out a rate-limited create does not count against the start timeout")
        func rateLimitWaitsAreNotStartTime() async throws {
            // Two Retry-After waits (2 × 60 s, skipped but counted by the clock) exceed the 60 s
            // start timeout; the create then answers while the sandbox is still `creating`, and it
            // starts 0.4 s later: well inside the timeout, even on a machine that stalls for seconds.
            var configuration = DaytonaEmulatorConfiguration()
            configuration.createDelay = .milliseconds(400)
            configuration.startWaitLimit = .zero
            try await withDaytona(
                faults: [.rateLimited(count: 2, retryAfterSeconds: 60, throttler: "sandbox-create")],
                configuration: configuration,
                tweak: {
                    $0.startTimeoutSeconds = 60
                    $0.retry = DaytonaRetryPolicy(maxAttempts: 6, initialBackoffSeconds: 0.5, maxWaitSeconds: 60, maxTotalWaitSeconds: 300)
                },
                sleeps: SleepLog(advancesClock: true)
            ) { fixture in
                let sandbox = try await fixture.provider.create(DaytonaFixture.request())
                #expect(sandbox.state == "started")
                #expect(await fixture.requests().filter { $0.responseStatus == 429 }.count == 2)
                #expect(fixture.sleeps.recorded.filter { $0 == 60.0 }.count == 2)
            }
        }

        @Test func rateLimitGivesUpWithAClearErrorWhenTheBudgetIsSpent() async throws {
            try await withDaytona(
                faults: [.rateLimited(count: 50, retryAfterSeconds: 2, throttler: "authenticated")],
                tweak: { $0.retry = DaytonaRetryPolicy(maxAttempts: 3, maxWaitSeconds: 10, maxTotalWaitSeconds: 30) }
            ) { fixture in
                do {
                    _ = try await fixture.provider.find(labels: ["dayshift.managed": "true"])
                    Issue.record("a permanently rate-limited call must fail")
                } catch let error as DaytonaError {
                    #expect(error.status == 429)
                    #expect(error.failure?.retryAfterSeconds == 2)
                    #expect(error.failure?.headers["retry-after-authenticated"] == "2")
                    #expect(error.description.contains("429"))
                    #expect(error.description.contains("retry after 2 s"))
                }
                #expect(await fixture.requests("GET", "/sandbox").count == 3)
                #expect(fixture.sleeps.recorded == [2, 2])
            }
        }

        @Test func toolboxBadGatewayIsRetriedForReadsOnly() async throws {
            try await withDaytona { fixture in
                let provider = fixture.provider
                let sandbox = try await provider.create(DaytonaFixture.request())
                try await provider.uploadFile(in: sandbox.id, path: "a.txt", contents: Data("A".utf8))

                await fixture.state.inject(.toolboxBadGateway(count: 2))
                #expect(try await provider.downloadFile(in: sandbox.id, path: "a.txt") == Data("A".utf8))
                #expect(await fixture.requests("POST", "/files/bulk-download").map(\.responseStatus) == [502, 502, 200])

                await fixture.state.inject(.toolboxBadGateway(count: 1))
                do {
                    _ = try await provider.execute(in: sandbox.id, SandboxCommand("echo once >> ran.txt", timeoutSeconds: 30))
                    Issue.record("a 502 on process/execute must surface")
                } catch let error as SandboxError {
                    guard case .commandFailedToStart(let message) = error else { Issue.record("got \(error)"); return }
                    #expect(message.contains("502"))
                    #expect(message.contains("/process/execute"))
                }
                #expect(await fixture.requests("POST", "/process/execute").count == 1, "never repeated: it may have run")
            }
        }

        @Test func execTimeoutIsATimedOutResult() async throws {
            try await withDaytona { fixture in
                let provider = fixture.provider
                let sandbox = try await provider.create(DaytonaFixture.request())
                await fixture.state.inject(.execTimeout(count: 1))
                let result = try await provider.execute(in: sandbox.id, SandboxCommand("echo hi", timeoutSeconds: 5))
                #expect(result == CommandResult(exitCode: 124, output: "", timedOut: true, durationSeconds: result.durationSeconds))
                #expect(await fixture.requests("POST", "/process/execute").map(\.responseStatus) == [408])
                #expect(try await provider.execute(in: sandbox.id, SandboxCommand("echo hi")).output == "hi\n")
            }
        }

        @Test func conflictDuringTransitionIsWaitedOut() async throws {
            try await withDaytona { fixture in
                let provider = fixture.provider
                let sandbox = try await provider.create(DaytonaFixture.request())
                await fixture.state.inject(.conflictDuringTransition(count: 2))
                try await provider.stop(id: sandbox.id)
                #expect(await fixture.requests("POST", "/sandbox/\(sandbox.id)/stop").map(\.responseStatus) == [409, 409, 200])
                #expect(fixture.sleeps.recorded.contains(0.5) && fixture.sleeps.recorded.contains(1.0), "exponential back-off")

                await fixture.state.inject(.conflictDuringTransition(count: 1))
                try await provider.delete(id: sandbox.id)
                #expect(await fixture.requests("DELETE", "/sandbox/\(sandbox.id)").map(\.responseStatus) == [409, 200])
                #expect(try await provider.get(id: sandbox.id) == nil)
            }
        }

        @Test func vanishedSandboxIsNotFound() async throws {
            try await withDaytona { fixture in
                let provider = fixture.provider
                let sandbox = try await provider.create(DaytonaFixture.request())
                await fixture.state.inject(.sandboxDisappears)
                await #expect(throws: SandboxError.notFound(sandbox.id)) {
                    _ = try await provider.execute(in: sandbox.id, SandboxCommand("true"))
                }
                await #expect(throws: SandboxError.notFound(sandbox.id)) {
                    _ = try await provider.downloadFile(in: sandbox.id, path: "x")
                }
                #expect(try await provider.get(id: sandbox.id) == nil)
                try await provider.delete(id: sandbox.id)
                // While the fault stays, a new sandbox vanishes right after creation: a clear create failure.
                do {
                    _ = try await provider.create(DaytonaFixture.request(run: 2))
                    Issue.record("a sandbox that vanishes must not be returned")
                } catch let error as SandboxError {
                    guard case .createFailed(let message) = error else { Issue.record("got \(error)"); return }
                    #expect(message.contains("disappeared"))
                }
            }
        }

        @Test func createAnsweredLateIsAdoptedNotDuplicated() async throws {
            try await withDaytona(faults: [.createSucceedsLate(delaySeconds: 4)], tweak: { $0.requestTimeoutSeconds = 1 }) { fixture in
                let sandbox = try await fixture.provider.create(DaytonaFixture.request())
                #expect(sandbox.state == "started")
                // The emulator records a request when it answers: wait for the late answer, then make
                // sure the client found the sandbox by name instead of sending the create again.
                #expect(await eventually { await fixture.requests("POST", "/sandbox").contains { $0.responseStatus == 200 } })
                #expect(await fixture.requests("POST", "/sandbox").count == 1, "no second create")
                #expect(await fixture.requests("GET", "/sandbox/dayshift-octo-hello-42-r1").count >= 2, "looked up by name")
                #expect(await fixture.state.sandboxes.map(\.id) == [sandbox.id])
            }
        }

        @Test func apiKeyNeverAppearsInErrors() async throws {
            let wrongKey = "dtn_wrong_key_THAT_MUST_NOT_LEAK_987"
            try await withDaytona(clientKey: wrongKey) { fixture in
                let provider = fixture.provider
                var messages: [String] = []
                do { _ = try await provider.create(DaytonaFixture.request()) } catch { messages.append("\(error)"); messages.append(String(reflecting: error)) }
                do { _ = try await provider.find(labels: [:]) } catch { messages.append("\(error)"); messages.append(String(reflecting: error)) }
                do { _ = try await provider.get(id: "x") } catch { messages.append("\(error)") }
                do { try await provider.delete(id: "x") } catch { messages.append("\(error)") }
                do { _ = try await provider.execute(in: "x", SandboxCommand("true")) } catch { messages.append("\(error)") }
                #expect(messages.count == 7)
                #expect(messages.allSatisfy { !$0.contains(wrongKey) && !$0.contains("THAT_MUST_NOT_LEAK") })
                #expect(messages.contains { $0.contains("401") }, "errors still say what happened")
                #expect(!"\(fixture.provider.settings)".contains(wrongKey))
            }
            // An unreachable server: the transport error must not carry the key either.
            try await withDaytona { fixture in
                let dead = DaytonaSandboxProvider(
                    settings: DaytonaSandboxSettings(apiURL: URL(string: "http://127.0.0.1:1/api")!, apiKey: wrongKey,
                                                     requestTimeoutSeconds: 2,
                                                     retry: DaytonaRetryPolicy(maxAttempts: 2, maxTotalWaitSeconds: 1)),
                    logger: DaytonaFixture.quietLogger, clock: fixture.sleeps.clock)
                do {
                    _ = try await dead.get(id: "x")
                    Issue.record("a closed port must fail")
                } catch {
                    #expect(!"\(error)".contains(wrongKey))
                    #expect(!String(reflecting: error).contains(wrongKey))
                }
            }
        }
    }
}
