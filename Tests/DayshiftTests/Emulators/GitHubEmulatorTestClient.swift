import Foundation
import Testing
import Emulators
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real-HTTP (URLSession over loopback) client for talking to a running GitHub emulator in tests.
struct GitHubEmulatorTestClient: Sendable {
    /// One answer: status, lower-cased headers, raw body.
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var data: Data

        /// The body parsed as JSON (nil if it is not JSON).
        var json: Any? { try? JSONSerialization.jsonObject(with: data) }
        /// The body as a JSON object.
        var object: [String: Any]? { json as? [String: Any] }
        /// The body as a JSON array of objects.
        var array: [[String: Any]]? { json as? [[String: Any]] }
    }

    var baseURL: URL
    var session: URLSession

    init(baseURL: URL) {
        self.baseURL = baseURL
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        self.session = URLSession(configuration: configuration)
    }

    /// Sends `method path` (path may include a query) with an optional JSON body.
    /// `authorization` nil sends no `Authorization` header.
    func send(
        _ method: String,
        _ path: String,
        json body: [String: any Sendable]? = nil,
        authorization: String? = "Bearer test-installation-token"
    ) async throws -> Reply {
        let url = try #require(URL(string: baseURL.absoluteString + path))
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("application/vnd.github+json", forHTTPHeaderField: "Accept")
        request.setValue("2022-11-28", forHTTPHeaderField: "X-GitHub-Api-Version")
        request.setValue("dayshift-tests", forHTTPHeaderField: "User-Agent")
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        return Reply(status: http.statusCode, headers: headers, data: data)
    }

    func invalidate() { session.invalidateAndCancel() }
}

/// Starts an emulator on a free loopback port, runs `body` with it and a client, and always stops it.
func withGitHubEmulator(
    state: GitHubEmulatorState = GitHubEmulatorState(),
    _ body: (RunningGitHubEmulator, GitHubEmulatorTestClient) async throws -> Void
) async throws {
    let emulator = try await GitHubEmulator.start(state: state)
    let client = GitHubEmulatorTestClient(baseURL: emulator.baseURL)
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
