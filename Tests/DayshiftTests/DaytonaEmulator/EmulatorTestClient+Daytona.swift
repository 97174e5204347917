import Emulators
import Foundation
import Testing

// Shortcuts of the Daytona emulator suites.
extension EmulatorTestClient {
    /// `POST /api/sandbox` with `body`; requires 200 and answers the DTO.
    func createSandbox(_ body: [String: Any] = [:]) async throws -> [String: Any] {
        let reply = try await send("POST", "/api/sandbox", json: body)
        #expect(reply.status == 200, "create answered \(reply.status): \(reply.text)")
        return try #require(reply.object)
    }

    /// Creates a sandbox and waits until it is `started`; answers its id.
    func startedSandbox(_ body: [String: Any] = [:]) async throws -> String {
        let id = try #require(try await createSandbox(body)["id"] as? String)
        try await waitForState(id, "started")
        return id
    }

    /// Polls `GET /api/sandbox/{id}` until its `state` is `state` (or 404 when `state` is nil).
    func waitForState(_ id: String, _ state: String?, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            let reply = try await send("GET", "/api/sandbox/\(id)")
            if let state, reply.state == state { return }
            if state == nil, reply.status == 404 { return }
            last = "\(reply.status) \(reply.state ?? reply.text)"
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("sandbox \(id) did not reach \(state ?? "404") within \(timeout); last: \(last)")
        throw CancellationError()
    }

    /// `POST /toolbox/{id}/process/execute`.
    func execute(_ id: String, _ command: String, extra: [String: Any] = [:]) async throws -> Reply {
        var body = extra
        body["command"] = command
        return try await send("POST", "/toolbox/\(id)/process/execute", json: body)
    }
}

/// A configuration whose transitions are slow enough to observe every intermediate state.
func slowDaytonaConfiguration(_ delay: Duration = .milliseconds(400)) -> DaytonaEmulatorConfiguration {
    DaytonaEmulatorConfiguration(
        createDelay: delay, startDelay: delay, stopDelay: delay, archiveDelay: delay, destroyDelay: delay,
        startWaitLimit: .milliseconds(50))
}
