import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A stand-in for the Anthropic and OpenAI APIs on loopback: it records every request it receives
/// (method, path, headers, body), answers JSON with `usage`, and streams server-sent events one
/// event at a time with delays. After ``holdStreams()``, a streamed answer holds its last events back
/// until the test calls ``releaseStream()`` (or 10 s pass), so a test can prove that its client saw
/// the first event before the upstream had sent the last.
final class FakeModelUpstream: Sendable {
    struct Received: Sendable {
        var method: String
        /// Path and query, e.g. `/v1/messages?beta=true`.
        var target: String
        /// Header names lowercased.
        var headers: [String: String]
        var body: Data
    }

    static let anthropicUsage = (input: 25, output: 42)
    static let openAIUsage = (input: 7, output: 3)
    static let model = "claude-test-1"

    private let requests = Mutex<[Received]>([])
    private let streamReleased = Mutex<Bool?>(nil)
    private let holding = Mutex(false)
    private let server = Mutex<LoopbackServer?>(nil)

    /// e.g. `http://127.0.0.1:40123`.
    var baseURL: URL { server.withLock { $0?.baseURL } ?? URL(string: "http://127.0.0.1:1")! }

    var received: [Received] { requests.withLock { $0 } }

    /// Makes streamed answers wait for ``releaseStream()`` before their last events.
    func holdStreams() { holding.withLock { $0 = true } }
    /// Lets a held streamed answer send its last events.
    func releaseStream() { streamReleased.withLock { if $0 == nil { $0 = true } } }
    /// Whether the last held stream was released by the test (true) or by the 10 s timeout (false); nil if none was held.
    var streamWasReleasedByClient: Bool? { streamReleased.withLock { $0 } }

    static func start() async throws -> FakeModelUpstream {
        let upstream = FakeModelUpstream()
        let router = Router()
        router.post("v1/messages") { request, _ in try await upstream.answer(request, openAI: false) }
        router.post("v1/chat/completions") { request, _ in try await upstream.answer(request, openAI: true) }
        router.get("v1/models") { request, _ in try await upstream.answer(request, openAI: true) }
        let server = try await LoopbackServer.start(router: router)
        upstream.server.withLock { $0 = server }
        return upstream
    }

    func stop() async {
        await server.withLock { $0 }?.stop()
    }

    private func answer(_ request: Request, openAI: Bool) async throws -> Response {
        let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        requests.withLock { $0.append(Received(method: request.method.rawValue, target: target, headers: headers, body: body)) }
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        guard object?["stream"] as? Bool == true else {
            let json = openAI
                ? #"{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-test","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":\#(Self.openAIUsage.input),"completion_tokens":\#(Self.openAIUsage.output),"total_tokens":10}}"#
                : #"{"id":"msg_1","type":"message","role":"assistant","model":"\#(Self.model)","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":\#(Self.anthropicUsage.input),"output_tokens":\#(Self.anthropicUsage.output)}}"#
            return Response(status: .ok, headers: [.contentType: "application/json", HTTPField.Name("request-id")!: "req_1"],
                            body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        let events = openAI ? Self.openAIEvents : Self.anthropicEvents
        streamReleased.withLock { $0 = nil }
        let hold = holding.withLock { $0 }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: ResponseBody { writer in
            for (index, event) in events.enumerated() {
                if hold, index == events.count - 2 { await self.holdUntilReleased() }
                try await writer.write(ByteBuffer(string: event))
                try await Task.sleep(for: .milliseconds(30))
            }
            try await writer.finish(nil)
        })
    }

    private func holdUntilReleased() async {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if streamReleased.withLock({ $0 }) == true { return }
            try? await Task.sleep(for: .milliseconds(10))
        }
        streamReleased.withLock { $0 = false }
    }

    static let anthropicEvents = [
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"\(model)\",\"content\":[],\"usage\":{\"input_tokens\":\(anthropicUsage.input),\"output_tokens\":1}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":\(anthropicUsage.output)}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    ]

    static let openAIEvents = [
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-test\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"}}],\"usage\":null}\n\n",
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-test\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n",
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-test\",\"choices\":[],\"usage\":{\"prompt_tokens\":\(openAIUsage.input),\"completion_tokens\":\(openAIUsage.output),\"total_tokens\":10}}\n\n",
        "data: [DONE]\n\n",
    ]
}
