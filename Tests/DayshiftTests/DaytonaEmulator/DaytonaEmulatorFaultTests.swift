import Emulators
import Foundation
import Testing

/// Each ``DaytonaFault``, chosen per test (state initializer), injected at run time
/// (``DaytonaEmulatorState/inject(_:)``) or through `POST /_emulator/faults`.
@Suite("DaytonaEmulatorFaultTests")
struct DaytonaEmulatorFaultTests {
    static func state(_ faults: [DaytonaFault], configuration: DaytonaEmulatorConfiguration = .init()) -> DaytonaEmulatorState {
        DaytonaEmulatorState(configuration: configuration, faults: faults)
    }

    @Test func createStuckInCreatingRefusesDelete() async throws {
        let configuration = DaytonaEmulatorConfiguration(startWaitLimit: .milliseconds(100))
        try await withDaytonaEmulator(state: Self.state([.createStuckInCreating], configuration: configuration)) { emulator, client in
            let dto = try await client.createSandbox()
            #expect(dto["state"] as? String == "creating")
            let id = try #require(dto["id"] as? String)
            // The create answered only after its wait limit (100 ms), twice the time a normal
            // sandbox takes to start (createDelay 50 ms): no sleep is needed to see it stuck.
            #expect(try await client.send("GET", "/api/sandbox/\(id)").state == "creating", "still creating")
            #expect(await emulator.state.timesFired(.createStuckInCreating) == 1)
            let delete = try await client.send("DELETE", "/api/sandbox/\(id)")
            #expect(delete.status == 409 && delete.message == "Sandbox state change in progress")
            #expect(try await client.execute(id, "true").status == 400, "the toolbox is not reachable yet")
            await emulator.state.clearFaults()
            let fresh = try await client.startedSandbox()
            #expect(!fresh.isEmpty, "new sandboxes start once the fault is cleared")
            #expect(try await client.send("GET", "/api/sandbox/\(id)").state == "creating", "the stuck one stays stuck")
        }
    }

    @Test func createEndsInErrorAnswers400AndLeavesAnErroredSandbox() async throws {
        // The create answers as soon as the sandbox reaches `error`; a long wait limit only keeps a
        // loaded machine from answering the stale `creating` DTO first.
        let configuration = DaytonaEmulatorConfiguration(startWaitLimit: .seconds(30))
        try await withDaytonaEmulator(
            state: Self.state([.createEndsInError(reason: "no runner available")], configuration: configuration)
        ) { emulator, client in
            let reply = try await client.send("POST", "/api/sandbox", json: ["name": "broken", "labels": ["x": "y"]])
            #expect(reply.status == 400 && reply.message == "Sandbox failed to start: no runner available")
            let listed = try await client.send("GET", "/api/sandbox")
            let item = try #require((listed.object?["items"] as? [[String: Any]])?.first)
            #expect(item["state"] as? String == "error" && item["errorReason"] as? String == "no runner available")
            #expect(item["recoverable"] as? Bool == false)
            let id = try #require(item["id"] as? String)
            #expect(try await client.send("POST", "/api/sandbox/\(id)/start").status == 400)
            #expect(try await client.send("DELETE", "/api/sandbox/\(id)").status == 200, "an errored sandbox can be deleted")
            #expect(await emulator.state.faults == [.createEndsInError(reason: "no runner available")], "not a counted fault")
        }
    }

    @Test func rateLimitedAnswers429WithThrottlerHeadersThenRecovers() async throws {
        try await withDaytonaEmulator(state: Self.state([.rateLimited(count: 2, retryAfterSeconds: 7, throttler: "sandbox-create")])) { emulator, client in
            for _ in 0..<2 {
                let reply = try await client.send("POST", "/api/sandbox", json: [:])
                #expect(reply.status == 429)
                #expect(reply.object?["error"] as? String == "Too Many Requests")
                #expect(reply.headers["retry-after"] == "7")
                #expect(reply.headers["retry-after-sandbox-create"] == "7")
                #expect(reply.headers["x-ratelimit-remaining-sandbox-create"] == "0")
                #expect(reply.headers["x-ratelimit-reset-sandbox-create"] == "7")
                #expect(reply.headers["x-ratelimit-limit-sandbox-create"] != nil)
            }
            #expect(try await client.send("POST", "/api/sandbox", json: [:]).status == 200)
            #expect(await emulator.state.faults.isEmpty)
            #expect(await emulator.state.sandboxes.count == 1, "throttled creates made nothing")
        }
    }

    @Test func toolboxBadGatewayIsABare502() async throws {
        try await withDaytonaEmulator { emulator, client in
            let id = try await client.startedSandbox()
            await emulator.state.inject(.toolboxBadGateway(count: 1))
            let reply = try await client.execute(id, "touch made-it")
            #expect(reply.status == 502 && reply.data.isEmpty && reply.headers["content-length"] == "0")
            #expect(try await client.execute(id, "test -e made-it").object?["exitCode"] as? Int == 1, "the command did not run")
            #expect(try await client.execute(id, "true").status == 200, "only one call failed")
            #expect(try await client.send("GET", "/api/sandbox/\(id)").status == 200, "the main API is unaffected")
        }
    }

    @Test func execTimeoutAnswers408OnlyForExecute() async throws {
        try await withDaytonaEmulator(state: Self.state([.execTimeout(count: 1)])) { _, client in
            let id = try await client.startedSandbox()
            #expect(try await client.send("GET", "/toolbox/\(id)/version").status == 200, "other toolbox calls pass")
            let reply = try await client.execute(id, "true")
            #expect(reply.status == 408 && reply.object?["code"] as? String == "REQUEST_TIMEOUT")
            #expect(try await client.execute(id, "true").status == 200)
        }
    }

    @Test func conflictDuringTransitionHitsStartStopAndDelete() async throws {
        try await withDaytonaEmulator { emulator, client in
            let id = try await client.startedSandbox()
            await emulator.state.inject(.conflictDuringTransition(count: 2))
            let stop = try await client.send("POST", "/api/sandbox/\(id)/stop")
            #expect(stop.status == 409 && stop.message == "Sandbox state change in progress")
            #expect(try await client.send("GET", "/api/sandbox/\(id)").state == "started", "GET is not affected")
            #expect(try await client.send("DELETE", "/api/sandbox/\(id)").status == 409)
            #expect(try await client.send("DELETE", "/api/sandbox/\(id)").status == 200)
        }
    }

    @Test func sandboxDisappearsRemovesExistingAndNewSandboxes() async throws {
        try await withDaytonaEmulator { emulator, client in
            let id = try await client.startedSandbox()
            await emulator.state.inject(.sandboxDisappears)
            #expect(try await client.send("GET", "/api/sandbox/\(id)").status == 404)
            #expect(try await client.execute(id, "true").status == 404)
            let created = try await client.createSandbox()
            let newID = try #require(created["id"] as? String)
            #expect(try await client.send("GET", "/api/sandbox/\(newID)").status == 404, "a new one vanishes after its answer")
            await emulator.state.clearFaults()
            #expect(await emulator.state.timesFired(.sandboxDisappears) == 2, "the existing sandbox and the new one")
            let kept = try await client.startedSandbox()
            #expect(try await client.send("GET", "/api/sandbox/\(kept)").status == 200)
        }
    }

    @Test func createSucceedsLateAnswersLateButTheSandboxExistsAtOnce() async throws {
        try await withDaytonaEmulator(state: Self.state([.createSucceedsLate(delaySeconds: 4)])) { _, client in
            let clock = ContinuousClock()
            let start = clock.now
            let create = Task { () throws -> (EmulatorTestClient.Reply, ContinuousClock.Instant) in
                let reply = try await client.send("POST", "/api/sandbox", json: ["name": "late", "labels": ["late": "1"]])
                return (reply, clock.now)
            }
            var found: [String: Any]?
            var foundAt = start
            while found == nil, clock.now - start < .seconds(30) {
                let reply = try await client.send("GET", "/api/sandbox/late")
                if reply.status == 200 {
                    found = reply.object
                    foundAt = clock.now
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(found?["state"] as? String == "started", "the sandbox is there, started, while the create still waits")
            let (reply, answeredAt) = try await create.value
            #expect(foundAt < answeredAt, "found before the answer")
            #expect(reply.status == 200 && reply.object?["id"] as? String == found?["id"] as? String)
            #expect(answeredAt - start >= .seconds(3.9))
        }
    }

    @Test func faultsAreSwitchableThroughTheControlEndpoint() async throws {
        try await withDaytonaEmulator { emulator, client in
            let id = try await client.startedSandbox()
            let injected = try await client.send(
                "POST", "/_emulator/faults", body: Data(#"{"toolboxBadGateway":{"count":3}}"#.utf8), contentType: "application/json",
                authorization: nil)
            #expect(injected.status == 200)
            #expect(await emulator.state.faults == [.toolboxBadGateway(count: 3)])
            #expect(try await client.execute(id, "true").status == 502)
            #expect(await emulator.state.faults == [.toolboxBadGateway(count: 2)], "counted faults count down")
            #expect(try await client.send("DELETE", "/_emulator/faults", authorization: nil).status == 204)
            #expect(await emulator.state.firedFaults == [.toolboxBadGateway(count: 3)], "what fired outlives clearing the faults")
            #expect(try await client.execute(id, "true").status == 200)
            let bad = try await client.send("POST", "/_emulator/faults", body: Data("{}".utf8), contentType: "application/json")
            #expect(bad.status == 400)
            let sandboxes = try await client.send("GET", "/_emulator/sandboxes", authorization: nil)
            #expect(sandboxes.array?.first?["id"] as? String == id)
        }
    }

    @Test func faultJSONMatchesTheDocumentedForm() throws {
        let decoder = JSONDecoder()
        let cases: [(String, DaytonaFault)] = [
            (#"{"createStuckInCreating":{}}"#, .createStuckInCreating),
            (#"{"createEndsInError":{"reason":"r"}}"#, .createEndsInError(reason: "r")),
            (#"{"rateLimited":{"count":2,"retryAfterSeconds":1,"throttler":"authenticated"}}"#,
             .rateLimited(count: 2, retryAfterSeconds: 1, throttler: "authenticated")),
            (#"{"toolboxBadGateway":{"count":1}}"#, .toolboxBadGateway(count: 1)),
            (#"{"execTimeout":{"count":1}}"#, .execTimeout(count: 1)),
            (#"{"conflictDuringTransition":{"count":4}}"#, .conflictDuringTransition(count: 4)),
            (#"{"sandboxDisappears":{}}"#, .sandboxDisappears),
            (#"{"createSucceedsLate":{"delaySeconds":0.5}}"#, .createSucceedsLate(delaySeconds: 0.5)),
        ]
        for (json, fault) in cases {
            #expect(try decoder.decode(DaytonaFault.self, from: Data(json.utf8)) == fault, "\(json)")
            #expect(try decoder.decode(DaytonaFault.self, from: JSONEncoder().encode(fault)) == fault)
        }
    }
}
