import DayshiftConfig
import Emulators
import Foundation
import Store
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// End to end: the agent reaches its model through the proxy with its run's token, and the real
/// key is nowhere in the sandbox.
@Suite("Model key containment", .serialized)
struct ModelKeyContainmentTests {
    static let realKey = "sk-ant-test-" + UUID().uuidString.lowercased()  // made at test time

    /// Fixes the bug, dumps its environment into a file that gets published, and calls the model
    /// the way Claude Code would: `$ANTHROPIC_BASE_URL/v1/messages` with `x-api-key: $ANTHROPIC_API_KEY`.
    static let agent = EndToEndHarness.fixingAgent + """

    env | sed -E 's/^((ANTHROPIC|OPENAI)_API_KEY=dsr_[0-9]+_).*/\\1(token)/' > agent-env.txt
    # The run token itself is a secret Dayshift will not publish; reversed, the test can still read it back.
    printf '%s' "$ANTHROPIC_API_KEY" | rev > token.reversed
    python3 - > model-answer.json <<'PY'
    import json, os, urllib.request
    body = json.dumps({"model": "claude-test-1", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}).encode()
    request = urllib.request.Request(os.environ["ANTHROPIC_BASE_URL"] + "/v1/messages", data=body, headers={
        "x-api-key": os.environ["ANTHROPIC_API_KEY"], "anthropic-version": "2023-06-01", "content-type": "application/json"})
    print(urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request).read().decode())
    PY
    """

    @Test("the agent's environment points at the proxy with its run token, the real key is in no published file, and the call is metered onto the run")
    func keyStaysAtHome() async throws {
        let upstream = try await FakeModelUpstream.start()
        defer { Task { await upstream.stop() } }
        try await EndToEndHarness.with(agentScript: Self.agent, configure: { configuration in
            configuration.agent.passEnvironment = ["ANTHROPIC_API_KEY"]
            configuration.llm.anthropic.baseURL = upstream.baseURL.absoluteString
            configuration.llm.prices = [FakeModelUpstream.model: ModelPrice(input: 3, output: 15)]
        }) { harness in
            let server = try await harness.startServer(environment: ["ANTHROPIC_API_KEY": Self.realKey])
            try await harness.send(harness.payloads.issueLabeled(number: 1, title: "fix add", body: ""))
            let journal = try await harness.waitForFinishedRun(1)
            #expect(journal.run.status == .succeeded, "\(journal.failedStep?.error ?? "")")
            let runID = journal.run.id

            let environment = try await harness.repository.file("agent-env.txt", at: "dayshift/issue-1")
            #expect(!environment.contains(Self.realKey))
            #expect(!environment.contains(String(Self.realKey.suffix(12))))
            #expect(environment.contains("ANTHROPIC_BASE_URL=\(server.baseURL.absoluteString)/llm/anthropic\n"))
            #expect(environment.contains("OPENAI_BASE_URL=\(server.baseURL.absoluteString)/llm/openai/v1\n"))
            #expect(environment.contains("ANTHROPIC_API_KEY=dsr_\(runID)_"))
            #expect(environment.contains("OPENAI_API_KEY=dsr_\(runID)_"))
            let answer = try await harness.repository.file("model-answer.json", at: "dayshift/issue-1")
            #expect(answer.contains("msg_1"))

            let received = try #require(upstream.received.first)
            #expect(upstream.received.count == 1)
            #expect(received.headers["x-api-key"] == Self.realKey)
            let usage = try #require(try await harness.store.usage(runID: runID))
            #expect(usage.inputTokens == 25)
            #expect(usage.outputTokens == 42)
            #expect(abs(usage.costUSD - (25.0 * 3 + 42.0 * 15) / 1_000_000) < 1e-12)
            // The metering is on the run's journal and in the pull request.
            #expect(journal.agent?.modelUsage?.outputTokens == 42)
            #expect(await harness.pullRequests().first?.body?.contains("1 model request, 25 input and 42 output tokens") == true)

            // Once the run has ended its token opens nothing.
            let token = String(try await harness.repository.file("token.reversed", at: "dayshift/issue-1").trimmingCharacters(in: .whitespacesAndNewlines).reversed())
            #expect(token.hasPrefix("dsr_\(runID)_"))
            var request = URLRequest(url: server.baseURL.appendingPathComponent("llm/anthropic/v1/messages"))
            request.httpMethod = "POST"
            request.httpBody = Data(#"{"model":"claude-test-1","max_tokens":8,"messages":[]}"#.utf8)
            request.setValue(token, forHTTPHeaderField: "x-api-key")
            let (_, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 401)
            #expect(upstream.received.count == 1)
        }
    }
}
