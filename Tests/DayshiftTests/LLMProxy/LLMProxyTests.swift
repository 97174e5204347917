import DayshiftConfig
@testable import DayshiftServer
import Foundation
import Store
import Synchronization
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The LLM proxy over real loopback HTTP, in front of a fake upstream that records what it receives.
@Suite("LLM proxy", .serialized)
struct LLMProxyTests {
    static let anthropicBody = #"{"model":"claude-test-1","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"#
    static let anthropicStreamBody = #"{"model":"claude-test-1","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#
    static let openAIBody = #"{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}"#
    static let openAIStreamBody = #"{"model":"gpt-test","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"#

    @Test("a Messages call with a live run's token reaches the upstream with the real key, never the token, and its usage and cost land on the run")
    func anthropicNonStreaming() async throws {
        try await ProxyFixture.with { fixture in
            let token = fixture.tokens.token(runID: fixture.liveRun)
            let answer = try await fixture.send(fixture.request("/llm/anthropic/v1/messages?beta=true", json: Self.anthropicBody,
                                                                headers: ["x-api-key": token, "anthropic-version": "2023-06-01"]))
            #expect(answer.status == 200)
            #expect(ProxyFixture.json(answer.body)["id"] as? String == "msg_1")
            #expect(answer.headers["request-id"] == "req_1")
            let received = try #require(fixture.upstream.received.first)
            #expect(fixture.upstream.received.count == 1)
            #expect(received.target == "/v1/messages?beta=true")
            #expect(received.headers["x-api-key"] == ProxyFixture.anthropicKey)
            #expect(received.headers["anthropic-version"] == "2023-06-01")
            #expect(received.headers["authorization"] == nil)
            #expect(!received.headers.values.contains { $0.contains(token) })
            #expect(received.body == Data(Self.anthropicBody.utf8))

            try await waitForUsage(fixture) { $0.requests == 1 }
            let usage = try #require(try await fixture.store.usage(runID: fixture.liveRun))
            #expect(usage.requests == 1)
            #expect(usage.inputTokens == FakeModelUpstream.anthropicUsage.input)
            #expect(usage.outputTokens == FakeModelUpstream.anthropicUsage.output)
            #expect(abs(usage.costUSD - (25.0 * 3 + 42.0 * 15) / 1_000_000) < 1e-12)
            #expect(usage.unpricedModels.isEmpty)
            #expect(usage.bytes == Self.anthropicBody.utf8.count + answer.body.count)
        }
    }

    @Test("a streamed Messages call arrives event by event: the client sees the first event before the upstream sends the last; usage from message_start and message_delta")
    func anthropicStreaming() async throws {
        try await ProxyFixture.with { fixture in
            let token = fixture.tokens.token(runID: fixture.liveRun)
            let request = fixture.request("/llm/anthropic/v1/messages", json: Self.anthropicStreamBody,
                                          headers: ["Authorization": "Bearer \(token)", "anthropic-version": "2023-06-01"])
            let upstream = fixture.upstream
            upstream.holdStreams()
            let chunks = Mutex(0)
            let (head, stream) = try await UpstreamCall.start(request, idleTimeoutSeconds: 30, onData: { data in
                chunks.withLock { $0 += 1 }
                if String(decoding: data, as: UTF8.self).contains("message_start") { upstream.releaseStream() }
            }, onEnd: { _ in })
            #expect(head.status == 200)
            #expect(head.headers.first { $0.key.lowercased() == "content-type" }?.value.hasPrefix("text/event-stream") == true)
            var body = Data()
            for try await chunk in stream { body.append(chunk) }
            #expect(upstream.streamWasReleasedByClient == true, "the last events were sent only after a 10 s wait: the proxy buffered")
            #expect(chunks.withLock { $0 } > 1)
            #expect(String(decoding: body, as: UTF8.self) == FakeModelUpstream.anthropicEvents.joined())
            #expect(upstream.received.first?.headers["x-api-key"] == ProxyFixture.anthropicKey)

            try await waitForUsage(fixture) { $0.requests == 1 }
            let usage = try #require(try await fixture.store.usage(runID: fixture.liveRun))
            #expect(usage.inputTokens == 25)
            #expect(usage.outputTokens == 42)
            #expect(usage.costUSD > 0)
        }
    }

    @Test("OpenAI chat completions: the Bearer token is swapped for the real key; usage from the JSON body and from the final streamed chunk; an unpriced model costs 0 and is named")
    func openAI() async throws {
        try await ProxyFixture.with { fixture in
            let token = fixture.tokens.token(runID: fixture.liveRun)
            let plain = try await fixture.send(fixture.request("/llm/openai/v1/chat/completions", json: Self.openAIBody,
                                                               headers: ["Authorization": "Bearer \(token)"]))
            #expect(plain.status == 200)
            let streamed = try await fixture.send(fixture.request("/llm/openai/v1/chat/completions", json: Self.openAIStreamBody,
                                                                  headers: ["Authorization": "Bearer \(token)"]))
            #expect(streamed.status == 200)
            #expect(String(decoding: streamed.body, as: UTF8.self) == FakeModelUpstream.openAIEvents.joined())
            for received in fixture.upstream.received {
                #expect(received.target == "/v1/chat/completions")
                #expect(received.headers["authorization"] == "Bearer \(ProxyFixture.openAIKey)")
                #expect(received.headers["x-api-key"] == nil)
            }
            try await waitForUsage(fixture) { $0.requests == 2 }
            let usage = try #require(try await fixture.store.usage(runID: fixture.liveRun))
            #expect(usage.inputTokens == 2 * FakeModelUpstream.openAIUsage.input)
            #expect(usage.outputTokens == 2 * FakeModelUpstream.openAIUsage.output)
            #expect(usage.costUSD == 0)
            #expect(usage.unpricedModels == "gpt-test")
        }
    }

    @Test("no token, a forged or unknown token, a finished run's token, and paths outside the API are refused in the upstream's error shape, and the upstream receives nothing")
    func refusals() async throws {
        try await ProxyFixture.with { fixture in
            let live = fixture.tokens.token(runID: fixture.liveRun)
            let finished = fixture.tokens.token(runID: fixture.finishedRun)
            let forged = "dsr_\(fixture.liveRun)_" + String(repeating: "A", count: 43)
            let otherServer = try RunTokens(directory: fixture.directory.url.appendingPathComponent("other").path).token(runID: fixture.liveRun)
            let unauthorized: [[String: String]] = [
                [:], ["x-api-key": "sk-ant-not-a-run-token"], ["x-api-key": forged], ["x-api-key": otherServer],
                ["x-api-key": finished], ["Authorization": "Bearer \(finished)"], ["x-api-key": "dsr_999_" + String(repeating: "B", count: 43)],
            ]
            for headers in unauthorized {
                let answer = try await fixture.send(fixture.request("/llm/anthropic/v1/messages", json: Self.anthropicBody, headers: headers))
                #expect(answer.status == 401, "\(headers)")
                let json = ProxyFixture.json(answer.body)
                #expect(json["type"] as? String == "error")
                #expect((json["error"] as? [String: Any])?["type"] as? String == "authentication_error")
            }
            let openAI = try await fixture.send(fixture.request("/llm/openai/v1/chat/completions", json: Self.openAIBody,
                                                                headers: ["Authorization": "Bearer \(finished)"]))
            #expect(openAI.status == 401)
            let error = try #require(ProxyFixture.json(openAI.body)["error"] as? [String: Any])
            #expect(error["code"] as? String == "invalid_api_key")
            #expect(error["message"] is String)
            // The OpenAI route takes no x-api-key.
            let wrongHeader = try await fixture.send(fixture.request("/llm/openai/v1/chat/completions", json: Self.openAIBody,
                                                                     headers: ["x-api-key": live]))
            #expect(wrongHeader.status == 401)

            let outside: [(String, String)] = [
                ("POST", "/llm/anthropic/v1/complete"), ("GET", "/llm/anthropic/v1/messages"), ("POST", "/llm/anthropic/v1/messages/"),
                ("POST", "/llm/anthropic/v1/%6Dessages"), ("POST", "/llm/anthropic/v1/messages/%2e%2e/%2e%2e/admin"),
                ("POST", "/llm/anthropic//evil.example.com/v1/messages"), ("POST", "/llm/anthropic/v1/messages?x=@evil.example.com/"),
                ("POST", "/llm/openai/v1/files"), ("DELETE", "/llm/openai/v1/chat/completions"),
            ]
            for (method, path) in outside {
                let provider = path.hasPrefix("/llm/openai") ? "openai" : "anthropic"
                let headers = provider == "openai" ? ["Authorization": "Bearer \(live)"] : ["x-api-key": live]
                let answer = try await fixture.send(fixture.request(path, method: method, json: method == "POST" ? Self.anthropicBody : nil, headers: headers))
                #expect(answer.status == 404, "\(method) \(path)")
                let json = ProxyFixture.json(answer.body)
                if provider == "openai" {
                    #expect((json["error"] as? [String: Any])?["type"] as? String == "invalid_request_error", "\(path)")
                } else {
                    #expect((json["error"] as? [String: Any])?["type"] as? String == "not_found_error", "\(path)")
                }
            }
            #expect(fixture.upstream.received.isEmpty)
            #expect(try await fixture.store.usage(runID: fixture.liveRun) == nil)
        }
    }

    @Test("a run over llm.max_requests_per_minute gets 429 in the upstream's shape, with retry-after, and the upstream is not called")
    func rateLimit() async throws {
        try await ProxyFixture.with(configure: { $0.maxRequestsPerMinute = 2 }) { fixture in
            let token = fixture.tokens.token(runID: fixture.liveRun)
            for _ in 0..<2 {
                let answer = try await fixture.send(fixture.request("/llm/anthropic/v1/messages", json: Self.anthropicBody, headers: ["x-api-key": token]))
                #expect(answer.status == 200)
            }
            let refused = try await fixture.send(fixture.request("/llm/anthropic/v1/messages", json: Self.anthropicBody, headers: ["x-api-key": token]))
            #expect(refused.status == 429)
            #expect(refused.headers["retry-after"] == "60")
            #expect((ProxyFixture.json(refused.body)["error"] as? [String: Any])?["type"] as? String == "rate_limit_error")
            let openAI = try await fixture.send(fixture.request("/llm/openai/v1/chat/completions", json: Self.openAIBody,
                                                                headers: ["Authorization": "Bearer \(token)"]))
            #expect(openAI.status == 429)
            #expect((ProxyFixture.json(openAI.body)["error"] as? [String: Any])?["code"] as? String == "rate_limit_exceeded")
            #expect(fixture.upstream.received.count == 2)
        }
    }

    @Test("a run over llm.max_bytes_per_run gets 429 and the upstream is not called again")
    func byteLimit() async throws {
        try await ProxyFixture.with(configure: { $0.maxBytesPerRun = 200 }) { fixture in
            let token = fixture.tokens.token(runID: fixture.liveRun)
            let first = try await fixture.send(fixture.request("/llm/anthropic/v1/messages", json: Self.anthropicBody, headers: ["x-api-key": token]))
            #expect(first.status == 200)
            try await waitForUsage(fixture) { $0.bytes > 200 }
            let second = try await fixture.send(fixture.request("/llm/anthropic/v1/messages", json: Self.anthropicBody, headers: ["x-api-key": token]))
            #expect(second.status == 429)
            #expect((ProxyFixture.json(second.body)["error"] as? [String: Any])?["type"] as? String == "rate_limit_error")
            #expect(fixture.upstream.received.count == 1)
        }
    }

    @Test("a server without a key for the provider answers 403 in the upstream's shape")
    func noKey() async throws {
        try await ProxyFixture.with(configure: { $0.openai.apiKey = "" }) { fixture in
            let token = fixture.tokens.token(runID: fixture.liveRun)
            let answer = try await fixture.send(fixture.request("/llm/openai/v1/chat/completions", json: Self.openAIBody,
                                                                headers: ["Authorization": "Bearer \(token)"]))
            #expect(answer.status == 403)
            #expect((ProxyFixture.json(answer.body)["error"] as? [String: Any])?["type"] as? String == "permission_error")
            #expect(fixture.upstream.received.isEmpty)
        }
    }

    /// Usage is recorded when the upstream call ends, which can be just after the client has read the last byte.
    func waitForUsage(_ fixture: ProxyFixture, _ condition: (RunModelUsage) -> Bool) async throws {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let usage = try await fixture.store.usage(runID: fixture.liveRun), condition(usage) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("usage not recorded in time: \(String(describing: try await fixture.store.usage(runID: fixture.liveRun)))")
    }
}
