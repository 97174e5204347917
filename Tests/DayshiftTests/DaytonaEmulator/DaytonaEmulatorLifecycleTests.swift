import Emulators
import Foundation
import Testing

/// The sandbox state machine over real HTTP: create, start, stop, archive, delete, and the
/// answers Daytona gives in between (`shared/reference/daytona.md` §6–7).
@Suite("DaytonaEmulatorLifecycleTests")
struct DaytonaEmulatorLifecycleTests {
    @Test func createAnswersTheStaleCreationTimeDTOThenTheSandboxStarts() async throws {
        try await withDaytonaEmulator { _, client in
            let dto = try await client.createSandbox(["name": "life-1", "labels": ["k": "v"], "env": ["A": "1"]])
            #expect(dto["state"] as? String == "creating", "POST /sandbox answers the DTO from the moment of creation")
            #expect(dto["desiredState"] as? String == "started")
            for field in ["id", "organizationId", "name", "user", "env", "labels", "public", "networkBlockAll", "target",
                          "cpu", "gpu", "memory", "disk", "toolboxProxyUrl", "kvm"] {
                #expect(dto[field] != nil, "required field \(field) missing")
            }
            #expect(dto["name"] as? String == "life-1")
            #expect(dto["labels"] as? [String: String] == ["k": "v"])
            #expect((dto["cpu"] as? Int, dto["memory"] as? Int, dto["disk"] as? Int) == (1, 1, 3), "daytona-small resources")
            #expect((dto["toolboxProxyUrl"] as? String) == "\(client.baseURL.absoluteString)/toolbox")
            let id = try #require(dto["id"] as? String)
            try await client.waitForState(id, "started")
            let byName = try await client.send("GET", "/api/sandbox/life-1")
            #expect(byName.status == 200 && byName.object?["id"] as? String == id, "GET by name")
        }
    }

    @Test func transitionalStatesAreVisibleWhenTransitionsAreSlow() async throws {
        let configuration = slowDaytonaConfiguration(.seconds(1))
        try await withDaytonaEmulator(state: DaytonaEmulatorState(configuration: configuration)) { emulator, client in
            let id = try #require(try await client.createSandbox()["id"] as? String)
            var seen: [String] = []
            let deadline = ContinuousClock.now + .seconds(30)
            while seen.last != "started", ContinuousClock.now < deadline {
                if let state = try await client.send("GET", "/api/sandbox/\(id)").state, seen.last != state { seen.append(state) }
                try await Task.sleep(for: .milliseconds(20))
            }
            // Under load the first poll may already see `starting`; either way a transitional state shows.
            #expect(["creating", "starting"].contains(seen.first ?? "") && seen.last == "started", "\(seen)")
            #expect(Set(seen).isSubset(of: ["creating", "starting", "started"]), "\(seen)")

            // Each transition is held while the test looks at it, so the 409s cannot race the timer.
            await emulator.state.holdTransitions()
            let stop = try await client.send("POST", "/api/sandbox/\(id)/stop")
            #expect(stop.status == 200 && stop.state == "stopping", "stop answers at once with `stopping`: \(stop.text)")
            let again = try await client.send("POST", "/api/sandbox/\(id)/stop")
            #expect(again.status == 409 && again.message == "Sandbox state change in progress")
            #expect(await emulator.state.sandbox(id: id)?.state.rawValue == "stopping", "still mid-transition at the 409")
            await emulator.state.releaseTransitions()
            try await client.waitForState(id, "stopped")

            await emulator.state.holdTransitions()
            let start = try await client.send("POST", "/api/sandbox/\(id)/start")
            #expect(start.status == 200 && start.state == "starting", "start waited 50 ms, then answered the latest DTO")
            await emulator.state.releaseTransitions()
            try await client.waitForState(id, "started")

            await emulator.state.holdTransitions()
            let delete = try await client.send("DELETE", "/api/sandbox/\(id)")
            #expect(delete.status == 200 && delete.state == "destroying")
            let whileDestroying = try await client.send("DELETE", "/api/sandbox/\(id)")
            #expect(whileDestroying.status == 409 && whileDestroying.message == "Sandbox state change in progress")
            #expect(await emulator.state.sandbox(id: id)?.state.rawValue == "destroying", "still mid-transition at the 409")
            await emulator.state.releaseTransitions()
            try await client.waitForState(id, nil)
        }
    }

    @Test func stopStartArchiveRestoreAndDelete() async throws {
        try await withDaytonaEmulator { _, client in
            let id = try await client.startedSandbox(["name": "life-2"])
            #expect(try await client.execute(id, "true").status == 200)

            #expect(try await client.send("POST", "/api/sandbox/\(id)/archive").status == 400, "archive needs `stopped`")
            #expect(try await client.send("POST", "/api/sandbox/\(id)/stop").status == 200)
            try await client.waitForState(id, "stopped")
            let stopped = try await client.execute(id, "true")
            #expect(stopped.status == 400 && stopped.message?.hasSuffix("Is the Sandbox started?") == true, "\(stopped.text)")
            #expect(stopped.object?["code"] as? String == "BAD_REQUEST")
            #expect(try await client.send("POST", "/api/sandbox/\(id)/stop").status == 400, "stopping a stopped sandbox")

            let archive = try await client.send("POST", "/api/sandbox/\(id)/archive")
            #expect(archive.status == 200 && archive.state == "archiving")
            try await client.waitForState(id, "archived")
            let archived = try await client.execute(id, "true")
            #expect(archived.status == 404 && archived.message?.contains("sandbox container not found") == true)

            let restore = try await client.send("POST", "/api/sandbox/\(id)/start")
            #expect(restore.status == 200 && restore.state == "restoring", "start from archived does not wait")
            try await client.waitForState(id, "started")
            let startedAgain = try await client.send("POST", "/api/sandbox/\(id)/start")
            #expect(startedAgain.status == 200 && startedAgain.state == "started", "start of a started sandbox changes nothing")

            #expect(try await client.send("DELETE", "/api/sandbox/life-2").state == "destroying", "delete by name")
            let reused = try await client.send("POST", "/api/sandbox", json: ["name": "life-2"])
            #expect(reused.status == 200, "the name is free as soon as the sandbox is destroying")
            try await client.waitForState(id, nil)
            let gone = try await client.send("GET", "/api/sandbox/\(id)")
            #expect(gone.status == 404 && gone.message == "Sandbox with ID or name \(id) not found")
            let goneToolbox = try await client.execute(id, "true")
            #expect(goneToolbox.status == 404 && goneToolbox.message?.contains("sandbox container not found") == true)
        }
    }

    @Test func ephemeralSandboxIsDestroyedByStop() async throws {
        try await withDaytonaEmulator { _, client in
            let id = try await client.startedSandbox(["autoDeleteInterval": 0])
            let stop = try await client.send("POST", "/api/sandbox/\(id)/stop")
            #expect(stop.state == "destroying")
            try await client.waitForState(id, nil)
        }
    }

    @Test func createValidation() async throws {
        try await withDaytonaEmulator { emulator, client in
            _ = try await client.createSandbox(["name": "dup"])
            let duplicate = try await client.send("POST", "/api/sandbox", json: ["name": "dup"])
            #expect(duplicate.status == 409 && duplicate.message == "Sandbox with name dup already exists")
            let resources = try await client.send("POST", "/api/sandbox", json: ["snapshot": "daytona-small", "cpu": 4])
            #expect(resources.status == 400 && resources.message == "Cannot specify Sandbox resources when using a snapshot")
            let unknown = try await client.send("POST", "/api/sandbox", json: ["snapshot": "nope"])
            #expect(unknown.status == 400 && unknown.message?.hasPrefix("Snapshot nope not found") == true)
            let build = try await client.send(
                "POST", "/api/sandbox", json: ["buildInfo": ["dockerfileContent": "FROM alpine"], "cpu": 2, "memory": 2])
            #expect(build.status == 200 && build.state == "pending_build", "a declarative build answers at once")
            #expect(build.object?["snapshot"] == nil && (build.object?["cpu"] as? Int) == 2)
            let malformed = try await client.send("POST", "/api/sandbox", body: Data("{".utf8), contentType: "application/json")
            #expect(malformed.status == 400)
            #expect(await emulator.state.sandboxes.count == 2)
        }
    }

    @Test func errorBodiesUseTheNestJSShape() async throws {
        try await withDaytonaEmulator { _, client in
            let reply = try await client.send("GET", "/api/sandbox/missing?verbose=true")
            #expect(reply.status == 404)
            let body = try #require(reply.object)
            #expect(Set(body.keys) == ["path", "timestamp", "statusCode", "error", "message"])
            #expect(body["path"] as? String == "/api/sandbox/missing?verbose=true")
            #expect(body["statusCode"] as? Int == 404 && body["error"] as? String == "Not Found")
            let route = try await client.send("GET", "/api/no-such-route")
            #expect(route.status == 404 && route.message == "Cannot GET /api/no-such-route")
        }
    }

    @Test func bearerKeyIsRequiredOnBothSurfaces() async throws {
        try await withDaytonaEmulator { emulator, client in
            let id = try await client.startedSandbox()
            let none = try await client.send("GET", "/api/sandbox", authorization: nil)
            #expect(none.status == 401 && none.object?["error"] as? String == "Unauthorized")
            #expect(try await client.send("GET", "/api/sandbox", authorization: "Bearer wrong").status == 401)
            #expect(try await client.send("GET", "/api/sandbox", authorization: "Basic \(EmulatorTestClient.daytonaAPIKey)").status == 401)
            let toolbox = try await client.send("GET", "/toolbox/\(id)/version", authorization: "Bearer wrong")
            #expect(toolbox.status == 401 && toolbox.object?["code"] as? String == "UNAUTHORIZED")
            #expect(try await client.send("GET", "/api/config", authorization: nil).status == 200, "config is public")
            let recorded = await emulator.state.recordedRequests
            #expect(recorded.contains { !$0.hasAuthorization && $0.responseStatus == 401 })
            let everything = String(decoding: try JSONEncoder().encode(recorded), as: UTF8.self)
            #expect(!everything.contains(EmulatorTestClient.daytonaAPIKey), "the key is never recorded")
        }
    }

    @Test func settingsEndpoints() async throws {
        try await withDaytonaEmulator { emulator, client in
            let id = try await client.startedSandbox(["labels": ["a": "1"]])
            let labels = try await client.send("PUT", "/api/sandbox/\(id)/labels", json: ["labels": ["b": "2"]])
            #expect(labels.status == 200 && labels.object?["labels"] as? [String: String] == ["b": "2"], "labels are replaced")
            #expect(try await client.send("POST", "/api/sandbox/\(id)/autostop/0").object?["autoStopInterval"] as? Int == 0)
            #expect(try await client.send("POST", "/api/sandbox/\(id)/autoarchive/0").object?["autoArchiveInterval"] as? Int == 43_200)
            #expect(try await client.send("POST", "/api/sandbox/\(id)/autodelete/30").object?["autoDeleteInterval"] as? Int == 30)
            #expect(try await client.send("POST", "/api/sandbox/\(id)/public/true").object?["public"] as? Bool == true)
            let before = try #require(await emulator.state.sandbox(id: id)?.lastActivityAt)
            try await Task.sleep(for: .milliseconds(5))
            #expect(try await client.send("POST", "/api/sandbox/\(id)/last-activity").status == 201)
            #expect(try #require(await emulator.state.sandbox(id: id)?.lastActivityAt) > before)
            let proxy = try await client.send("GET", "/api/sandbox/\(id)/toolbox-proxy-url")
            #expect(proxy.object?["url"] as? String == emulator.toolboxURL.absoluteString)
            let config = try await client.send("GET", "/api/config")
            #expect(config.object?["proxyToolboxUrl"] as? String == emulator.toolboxURL.absoluteString)
            let snapshot = try await client.send("GET", "/api/snapshots/daytona-medium")
            #expect(snapshot.object?["cpu"] as? Int == 2 && snapshot.object?["state"] as? String == "active")
            #expect(try await client.send("GET", "/api/snapshots").object?["total"] as? Int == 3)
        }
    }

    @Test func stopKillsAnInFlightExecWhichAnswersABare502() async throws {
        try await withDaytonaEmulator { emulator, client in
            let id = try await client.startedSandbox()
            let exec = Task { try await client.execute(id, "touch running; sleep 30") }
            let home = try #require(await emulator.state.sandbox(id: id)?.homeDirectory)
            let deadline = ContinuousClock.now + .seconds(30)
            while !FileManager.default.fileExists(atPath: home + "/running") {
                try #require(ContinuousClock.now < deadline, "the command never started")
                try await Task.sleep(for: .milliseconds(20))
            }
            let clock = ContinuousClock()
            let start = clock.now
            #expect(try await client.send("POST", "/api/sandbox/\(id)/stop").status == 200)
            let reply = try await exec.value
            #expect(reply.status == 502 && reply.data.isEmpty, "\(reply.status) \(reply.text)")
            #expect(clock.now - start < .seconds(10), "the command was killed")
        }
    }

    @Test func stopEndsEveryRunningSessionCommand() async throws {
        try await withDaytonaEmulator { _, client in
            let id = try await client.startedSandbox()
            #expect(try await client.send("POST", "/toolbox/\(id)/process/session", json: ["sessionId": "s"]).status == 201)
            let run = try await client.send(
                "POST", "/toolbox/\(id)/process/session/s/exec", json: ["command": "sleep 30", "runAsync": true])
            #expect(run.status == 202)
            let clock = ContinuousClock()
            let started = clock.now
            #expect(try await client.send("POST", "/api/sandbox/\(id)/stop").status == 200)
            try await client.waitForState(id, "stopped")
            #expect(try await client.send("POST", "/api/sandbox/\(id)/start").status == 200)
            try await client.waitForState(id, "started")
            let session = try await client.send("GET", "/toolbox/\(id)/process/session/s")
            #expect(session.status == 404, "sessions do not survive a stop")
            #expect(clock.now - started < .seconds(20))
        }
    }
}

/// Graceful shutdown of the emulator itself.
@Suite("DaytonaEmulatorShutdownTests")
struct DaytonaEmulatorShutdownTests {
    @Test func stopEndsInFlightCommandsAndRemovesTheTemporaryRoot() async throws {
        let state = DaytonaEmulatorState()
        let emulator = try await DaytonaEmulator.start(state: state, apiKey: EmulatorTestClient.daytonaAPIKey)
        let client = EmulatorTestClient.daytona(baseURL: emulator.baseURL)
        defer { client.invalidate() }
        let id = try await client.startedSandbox()
        _ = try await client.send("POST", "/toolbox/\(id)/process/session", json: ["sessionId": "s"])
        let oneShot = Task { try? await client.execute(id, "touch one-shot-running; sleep 60") }
        let sync = Task {
            try? await client.send("POST", "/toolbox/\(id)/process/session/s/exec", json: ["command": "touch session-running; sleep 60"])
        }
        // Stop only once both commands are really running (each leaves a file first).
        let home = try #require(await state.sandbox(id: id)?.homeDirectory)
        let deadline = ContinuousClock.now + .seconds(30)
        while !["one-shot-running", "session-running"].allSatisfy({ FileManager.default.fileExists(atPath: home + "/" + $0) }) {
            try #require(ContinuousClock.now < deadline, "the commands never started")
            try await Task.sleep(for: .milliseconds(20))
        }
        let root = try #require(await state.sandboxRoot)
        #expect(FileManager.default.fileExists(atPath: root.path))

        let clock = ContinuousClock()
        let start = clock.now
        await emulator.stop()
        #expect(clock.now - start < .seconds(15), "stop waited for the sleeping commands")
        _ = await (oneShot.value, sync.value)
        #expect(!FileManager.default.fileExists(atPath: root.path), "the temporary sandbox root is removed")
        #expect(await state.recordedRequests.isEmpty == false, "recorded data stays readable")
        await emulator.stop()  // twice is fine
    }
}

/// Where sandboxes live, and resetting the emulator.
@Suite("DaytonaEmulatorStorageTests")
struct DaytonaEmulatorStorageTests {
    @Test func anExplicitSandboxRootHoldsTheFilesAndOutlivesTheEmulator() async throws {
        let root = try LocalSandboxFixture.makeTemporaryDirectory()
        defer { LocalSandboxFixture.removeTree(root) }
        let emulator = try await DaytonaEmulator.start(apiKey: EmulatorTestClient.daytonaAPIKey, sandboxRoot: root)
        let client = EmulatorTestClient.daytona(baseURL: emulator.baseURL)
        let id = try await client.startedSandbox()
        let home = try #require(await emulator.state.sandbox(id: id)?.homeDirectory)
        #expect(home.hasPrefix(root.resolvingSymlinksInPath().path) || home.hasPrefix(root.path), "\(home)")
        _ = try await client.execute(id, "echo kept > note.txt")
        client.invalidate()
        await emulator.stop()
        #expect(FileManager.default.fileExists(atPath: home + "/note.txt"), "a root the caller chose is not removed")
    }

    @Test func resetRemovesSandboxesFaultsAndRecords() async throws {
        try await withDaytonaEmulator(state: DaytonaEmulatorState(faults: [.execTimeout(count: 5)])) { emulator, client in
            let id = try await client.startedSandbox()
            let home = try #require(await emulator.state.sandbox(id: id)?.homeDirectory)
            #expect(FileManager.default.fileExists(atPath: home))
            #expect(try await client.send("POST", "/_emulator/reset", authorization: nil).status == 204)
            #expect(await emulator.state.sandboxes.isEmpty)
            #expect(await emulator.state.faults.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: home), "the sandbox's files are gone")
            #expect(try await client.send("GET", "/api/sandbox/\(id)").status == 404)
            await emulator.state.reset()
            #expect(await emulator.state.recordedRequests.isEmpty)
        }
    }
}
