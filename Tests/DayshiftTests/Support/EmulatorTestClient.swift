import Emulators
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real-HTTP (URLSession over loopback) client for a running emulator in tests: the GitHub
/// emulator (``gitHub(baseURL:)``) or the Daytona emulator (``daytona(baseURL:)``).
struct EmulatorTestClient: Sendable {
    /// One answer: status, lower-cased headers, raw body.
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var data: Data

        /// The body parsed as JSON, fragments allowed (nil if it is not JSON).
        var json: Any? { try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) }
        /// The body as a JSON object.
        var object: [String: Any]? { json as? [String: Any] }
        /// The body as a JSON array of objects.
        var array: [[String: Any]]? { json as? [[String: Any]] }
        var text: String { String(decoding: data, as: UTF8.self) }
        /// `state` of a Daytona sandbox DTO answer.
        var state: String? { object?["state"] as? String }
        /// `message` of an error answer.
        var message: String? { object?["message"] as? String }
    }

    /// The `Authorization` header of one request: the client's own (the default), none (`nil`),
    /// or the given text (a string literal, e.g. `"Bearer \(token)"`).
    enum Authorization: Sendable, ExpressibleByNilLiteral, ExpressibleByStringInterpolation {
        case client
        case omitted
        case header(String)

        init(nilLiteral: ()) { self = .omitted }
        init(stringLiteral value: String) { self = .header(value) }
    }

    /// The key the Daytona emulators of these tests require.
    static let daytonaAPIKey = "dtn_test_key"

    var baseURL: URL
    var session: URLSession
    /// Sent when a request names no other `Authorization`.
    var authorization: String?
    /// Sent with every request.
    var headers: [String: String]

    init(baseURL: URL, authorization: String?, headers: [String: String] = [:]) {
        self.baseURL = baseURL
        self.authorization = authorization
        self.headers = headers
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.timeoutIntervalForRequest = 60
        self.session = URLSession(configuration: configuration)
    }

    /// A client for the GitHub emulator: GitHub's `Accept` and API-version headers, an installation token.
    static func gitHub(baseURL: URL) -> EmulatorTestClient {
        EmulatorTestClient(baseURL: baseURL, authorization: "Bearer test-installation-token",
                           headers: ["Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"])
    }

    /// A client for the Daytona emulator, with ``daytonaAPIKey`` as its bearer token.
    static func daytona(baseURL: URL) -> EmulatorTestClient {
        EmulatorTestClient(baseURL: baseURL, authorization: "Bearer \(daytonaAPIKey)")
    }

    /// Sends `method path` (path may include a query, e.g. `/api/sandbox?limit=1`).
    /// - Parameters:
    ///   - json: a JSON body (`Content-Type: application/json`).
    ///   - body/contentType: a raw body instead.
    ///   - authorization: the client's by default; `nil` sends no `Authorization` header.
    ///   - headers: extra headers (`X-Daytona-SDK-Version`, …).
    func send(
        _ method: String,
        _ path: String,
        json: Any? = nil,
        body: Data? = nil,
        contentType: String? = nil,
        authorization: Authorization = .client,
        headers: [String: String] = [:]
    ) async throws -> Reply {
        let url = try #require(URL(string: baseURL.absoluteString + path))
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("dayshift-tests", forHTTPHeaderField: "User-Agent")
        for (name, value) in self.headers { request.setValue(value, forHTTPHeaderField: name) }
        switch authorization {
        case .client: if let value = self.authorization { request.setValue(value, forHTTPHeaderField: "Authorization") }
        case .omitted: break
        case .header(let value): request.setValue(value, forHTTPHeaderField: "Authorization")
        }
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

    func invalidate() { session.invalidateAndCancel() }

    /// Runs `body` with this client, then invalidates it and calls `stop`, also when `body` throws.
    func use(_ body: (EmulatorTestClient) async throws -> Void, thenStop stop: () async -> Void) async throws {
        do {
            try await body(self)
        } catch {
            invalidate()
            await stop()
            throw error
        }
        invalidate()
        await stop()
    }
}

/// Starts a GitHub emulator on a free loopback port, runs `body` with it and a client, and always stops it.
func withGitHubEmulator(
    state: GitHubEmulatorState = GitHubEmulatorState(),
    _ body: (RunningGitHubEmulator, EmulatorTestClient) async throws -> Void
) async throws {
    let emulator = try await GitHubEmulator.start(state: state)
    try await EmulatorTestClient.gitHub(baseURL: emulator.baseURL).use({ try await body(emulator, $0) }, thenStop: emulator.stop)
}

/// Starts a Daytona emulator (free loopback port, key ``EmulatorTestClient/daytonaAPIKey``), runs
/// `body` with it and a client, and always stops it.
func withDaytonaEmulator(
    state: DaytonaEmulatorState = DaytonaEmulatorState(),
    _ body: (RunningDaytonaEmulator, EmulatorTestClient) async throws -> Void
) async throws {
    let emulator = try await DaytonaEmulator.start(state: state, apiKey: EmulatorTestClient.daytonaAPIKey)
    try await EmulatorTestClient.daytona(baseURL: emulator.baseURL).use({ try await body(emulator, $0) }, thenStop: emulator.stop)
}
