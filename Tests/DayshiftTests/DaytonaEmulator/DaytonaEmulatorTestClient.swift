import Emulators
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real-HTTP (URLSession over loopback) client for a running Daytona emulator in tests.
struct DaytonaEmulatorTestClient: Sendable {
    /// One answer: status, lower-cased headers, raw body.
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var data: Data

        var json: Any? { try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) }
        var object: [String: Any]? { json as? [String: Any] }
        var array: [[String: Any]]? { json as? [[String: Any]] }
        var text: String { String(decoding: data, as: UTF8.self) }
        /// `state` of a sandbox DTO answer.
        var state: String? { object?["state"] as? String }
        /// `message` of an error answer.
        var message: String? { object?["message"] as? String }
    }

    /// The key the emulators of these tests require.
    static let apiKey = "dtn_test_key"

    var baseURL: URL
    var session: URLSession

    init(baseURL: URL) {
        self.baseURL = baseURL
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.timeoutIntervalForRequest = 60
        self.session = URLSession(configuration: configuration)
    }

    /// Sends `method path` (path may include a query, e.g. `/api/sandbox?limit=1`).
    /// - Parameters:
    ///   - json: a JSON body (`Content-Type: application/json`).
    ///   - body/contentType: a raw body instead.
    ///   - authorization: nil sends no `Authorization` header.
    ///   - headers: extra headers (`X-Daytona-SDK-Version`, …).
    func send(
        _ method: String,
        _ path: String,
        json: Any? = nil,
        body: Data? = nil,
        contentType: String? = nil,
        authorization: String? = "Bearer \(DaytonaEmulatorTestClient.apiKey)",
        headers: [String: String] = [:]
    ) async throws -> Reply {
        let url = try #require(URL(string: baseURL.absoluteString + path))
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("dayshift-tests", forHTTPHeaderField: "User-Agent")
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = body
            if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var replyHeaders: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { replyHeaders[key.lowercased()] = value }
        }
        return Reply(status: http.statusCode, headers: replyHeaders, data: data)
    }

    // MARK: Shortcuts

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

    func invalidate() { session.invalidateAndCancel() }
}

/// Starts an emulator (free loopback port, key ``DaytonaEmulatorTestClient/apiKey``), runs
/// `body` with it and a client, and always stops it.
func withDaytonaEmulator(
    state: DaytonaEmulatorState = DaytonaEmulatorState(),
    _ body: (RunningDaytonaEmulator, DaytonaEmulatorTestClient) async throws -> Void
) async throws {
    let emulator = try await DaytonaEmulator.start(state: state, apiKey: DaytonaEmulatorTestClient.apiKey)
    let client = DaytonaEmulatorTestClient(baseURL: emulator.baseURL)
    do {
        try await body(emulator, client)
    } catch {
        client.invalidate()
        await emulator.stop()
        throw error
    }
    client.invalidate()
    await emulator.stop()
}

/// A configuration whose transitions are slow enough to observe every intermediate state.
func slowDaytonaConfiguration(_ delay: Duration = .milliseconds(400)) -> DaytonaEmulatorConfiguration {
    DaytonaEmulatorConfiguration(
        createDelay: delay, startDelay: delay, stopDelay: delay, archiveDelay: delay, destroyDelay: delay,
        startWaitLimit: .milliseconds(50))
}
