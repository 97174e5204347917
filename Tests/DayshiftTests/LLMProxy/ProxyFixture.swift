import DayshiftConfig
import DayshiftCore
@testable import DayshiftServer
import Foundation
import Hummingbird
import Logging
import Store
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A fake upstream, a store with one running and one finished run, and the LLM proxy served on
/// loopback in front of that upstream.
final class ProxyFixture: Sendable {
    static let anthropicKey = "sk-ant-test-" + UUID().uuidString.lowercased()  // made at test time
    static let openAIKey = "sk-REAL-openai-key-0123456789abcdef"
    static let prices = ModelPrice(input: 3, output: 15)

    let directory: TestDirectory
    let store: Store
    let upstream: FakeModelUpstream
    let server: LoopbackServer
    let tokens: RunTokens
    let liveRun: Int64
    let finishedRun: Int64

    private init(directory: TestDirectory, store: Store, upstream: FakeModelUpstream, server: LoopbackServer, tokens: RunTokens,
                 liveRun: Int64, finishedRun: Int64) {
        self.directory = directory
        self.store = store
        self.upstream = upstream
        self.server = server
        self.tokens = tokens
        self.liveRun = liveRun
        self.finishedRun = finishedRun
    }

    static func with(configure: (inout LLMSettings) -> Void = { _ in }, _ body: (ProxyFixture) async throws -> Void) async throws {
        let fixture = try await start(configure: configure)
        do {
            try await body(fixture)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    static func start(configure: (inout LLMSettings) -> Void) async throws -> ProxyFixture {
        let directory = try TestDirectory("llm-proxy")
        let store = try Store(directory: directory.url, logger: Logger(label: "test"))
        let upstream = try await FakeModelUpstream.start()
        var settings = LLMSettings()
        settings.anthropic = LLMUpstreamSettings(baseURL: upstream.baseURL.absoluteString, apiKey: anthropicKey)
        settings.openai = LLMUpstreamSettings(baseURL: upstream.baseURL.absoluteString, apiKey: openAIKey)
        settings.prices = [FakeModelUpstream.model: prices]
        configure(&settings)
        let tokens = try RunTokens(directory: directory.path)
        var logger = Logger(label: "proxy")
        logger.logLevel = .warning
        let proxy = LLMProxy(settings: settings, store: store, tokens: tokens, logger: logger)
        let router = Router()
        LLMProxyController(proxy: proxy).addRoutes(to: router.group("llm"))
        let server = try await LoopbackServer.start(router: router)
        let liveRun = try await startRun(store, number: 1)
        let finishedRun = try await startRun(store, number: 2)
        let lease = try await store.activate(issueKey: "octo/proxy#2", owner: "test")
        try await store.finishRun(runID: finishedRun, status: .succeeded, summary: "done", lease: lease)
        return ProxyFixture(directory: directory, store: store, upstream: upstream, server: server, tokens: tokens,
                            liveRun: liveRun, finishedRun: finishedRun)
    }

    private static func startRun(_ store: Store, number: Int) async throws -> Int64 {
        let key = IssueKey(repository: RepositoryName(owner: "octo", name: "proxy"), number: number)
        let messageID = try await StoreSeed.message(store, key)
        let lease = try await store.activate(issueKey: key.description, owner: "test")
        return try await store.startRun(StoreSeed.context(key), lease: lease, triggerMessageID: messageID, steps: StepName.allCases).run.id
    }

    func stop() async {
        await server.stop()
        await upstream.stop()
        directory.remove()
    }

    /// A request to the proxy at `path` (e.g. `/llm/anthropic/v1/messages`).
    func request(_ path: String, method: String = "POST", json: String? = nil, headers: [String: String] = [:]) -> URLRequest {
        var request = URLRequest(url: URL(string: server.baseURL.absoluteString + path)!)
        request.httpMethod = method
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "content-type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return request
    }

    /// Sends `request` and reads the whole answer.
    func send(_ request: URLRequest) async throws -> (status: Int, headers: [String: String], body: Data) {
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try require_(response as? HTTPURLResponse)
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return (http.statusCode, headers, data)
    }

    /// The answer's JSON object.
    static func json(_ data: Data) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}

/// Unwraps or throws (usable outside a `@Test`).
func require_<T>(_ value: T?) throws -> T {
    guard let value else { throw HarnessError("unexpected nil") }
    return value
}
