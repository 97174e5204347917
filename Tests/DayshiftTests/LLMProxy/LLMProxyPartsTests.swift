import DayshiftConfig
@testable import DayshiftServer
import Foundation
import Logging
import Testing

/// The proxy's parts on their own: run tokens, the usage meter, which keys reach the agent, and the
/// configuration keys.
@Suite("LLM proxy parts")
struct LLMProxyPartsTests {
    @Test("a run token names its run, survives a restart (the secret is kept in data_dir, mode 0600), and any change to it is refused")
    func runTokens() throws {
        let directory = try TestDirectory("tokens")
        defer { directory.remove() }
        let tokens = try RunTokens(directory: directory.path)
        let token = tokens.token(runID: 42)
        #expect(token.hasPrefix("dsr_42_"))
        #expect(tokens.runID(of: token) == 42)
        #expect(try RunTokens(directory: directory.path).runID(of: token) == 42)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.url.appendingPathComponent("llm-proxy.secret").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(tokens.runID(of: token.replacingOccurrences(of: "dsr_42_", with: "dsr_43_")) == nil)
        var flipped = Array(token)
        flipped[flipped.count - 2] = flipped[flipped.count - 2] == "A" ? "B" : "A"
        #expect(tokens.runID(of: String(flipped)) == nil)
        #expect(tokens.runID(of: String(token.dropLast())) == nil)
        #expect(tokens.runID(of: "") == nil)
        #expect(tokens.runID(of: "dsr_042_" + token.split(separator: "_").last!) == nil)
        let other = try TestDirectory("tokens-other")
        defer { other.remove() }
        #expect(try RunTokens(directory: other.path).runID(of: token) == nil)
    }

    @Test("the meter reads the same usage however the stream is cut", arguments: [
        (FakeModelUpstream.anthropicEvents.joined(), 25, 42),
        (FakeModelUpstream.openAIEvents.joined().replacingOccurrences(of: "\n", with: "\r\n"), 7, 3),
        (#"{"model":"m","usage":{"input_tokens":5,"cache_read_input_tokens":100,"cache_creation_input_tokens":10,"output_tokens":9}}"#, 115, 9),
        ("event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"model\":\"m\",\"usage\":{\"input_tokens\":4,\"output_tokens\":6}}}\n\n", 4, 6),
    ])
    func meter(body: String, input: Int, output: Int) {
        let bytes = Data(body.utf8)
        for cut in stride(from: 0, through: bytes.count, by: 7) {
            var meter = UsageMeter(requestedModel: "requested")
            meter.append(bytes.prefix(cut))
            meter.append(bytes.dropFirst(cut))
            meter.finish()
            #expect(meter.inputTokens == input, "cut at \(cut)")
            #expect(meter.outputTokens == output, "cut at \(cut)")
            #expect(meter.model != "requested")
        }
    }

    @Test("model keys in agent.pass_environment stay on the server unless agent.allow_key_in_sandbox, by name or by value")
    func keysWithheld() {
        var configuration = DayshiftConfiguration()
        configuration.llm.anthropic.apiKey = "sk-ant-real-key-123456"
        configuration.agent.passEnvironment = ["ANTHROPIC_API_KEY", "MY_KEY", "OPENAI_API_KEY", "HARMLESS"]
        let environment = ["ANTHROPIC_API_KEY": "sk-ant-real-key-123456", "MY_KEY": "sk-ant-real-key-123456", "OPENAI_API_KEY": "sk-x",
                           "HARMLESS": "1"]
        let (passed, withheld) = ModelKeys.agentEnvironment(configuration, environment: environment)
        #expect(passed == ["HARMLESS": "1"])
        #expect(Set(withheld) == ["ANTHROPIC_API_KEY", "MY_KEY", "OPENAI_API_KEY"])
        configuration.agent.allowKeyInSandbox = true
        #expect(ModelKeys.agentEnvironment(configuration, environment: environment).0 == environment)
    }

    @Test("Daytona without agent.proxy_public_url: serve says in one line at start that the agent gets no key, or that the key travels, and the agent gets no proxy")
    func daytonaStartupLine() throws {
        for allow in [false, true] {
            let directory = try TestDirectory("daytona-line")
            defer { directory.remove() }
            var configuration = DayshiftConfiguration()
            configuration.dataDirectory = directory.path
            configuration.sandbox.provider = "daytona"
            configuration.sandbox.daytona.apiKey = "daytona-key"
            configuration.agent.allowKeyInSandbox = allow
            configuration.agent.passEnvironment = ["ANTHROPIC_API_KEY"]
            let logs = LogCapture()
            let instance = try DayshiftInstance(configuration: configuration, logger: logs.logger(),
                                                environment: ["ANTHROPIC_API_KEY": "sk-ant-real-key-123456"])
            instance.logStartup()
            let lines = logs.text.split(separator: "\n").filter { $0.contains("agent.proxy_public_url is not set") }
            #expect(lines.count == 1)
            #expect(lines.first?.contains(allow ? "travels into the sandbox" : "the agent gets no model key") == true)
            #expect(instance.proxyAddress.url == nil)
            #expect((instance.agentEnvironment["ANTHROPIC_API_KEY"] != nil) == allow)
        }
    }

    @Test("the llm section and the new agent keys are read, keys come from the environment, and secrets in YAML are refused")
    func configuration() throws {
        let yaml = """
        agent:
          proxy_public_url: https://dayshift.example.com/
          allow_key_in_sandbox: true
        llm:
          anthropic:
            base_url: http://127.0.0.1:9999/
          openai:
            base_url: https://openrouter.ai/api
          prices:
            claude-sonnet-4-5: {input: 3, output: 15}
            anthropic/claude-sonnet-4.5: {input: 3.5, output: 16}
          max_requests_per_minute: 30
          max_bytes_per_run: 1000000
        """
        let config = try DayshiftConfiguration.parse(yaml: yaml, environment: ["ANTHROPIC_API_KEY": "sk-ant-x", "OPENAI_API_KEY": "sk-o"])
        #expect(config.agent.proxyPublicURL == "https://dayshift.example.com")
        #expect(config.agent.allowKeyInSandbox)
        #expect(config.llm.anthropic == LLMUpstreamSettings(baseURL: "http://127.0.0.1:9999", apiKey: "sk-ant-x"))
        #expect(config.llm.openai == LLMUpstreamSettings(baseURL: "https://openrouter.ai/api", apiKey: "sk-o"))
        #expect(config.llm.price(for: "claude-sonnet-4-5-20250929") == ModelPrice(input: 3, output: 15))
        #expect(config.llm.price(for: "anthropic/claude-sonnet-4.5") == ModelPrice(input: 3.5, output: 16))
        #expect(config.llm.price(for: "gpt-5") == nil)
        #expect(config.llm.maxRequestsPerMinute == 30)
        #expect(config.llm.maxBytesPerRun == 1_000_000)
        let defaults = try DayshiftConfiguration.parse(yaml: "", environment: [:])
        #expect(defaults.llm == LLMSettings())
        #expect(defaults.llm.anthropic.baseURL == "https://api.anthropic.com")
        #expect(defaults.agent.passEnvironment.isEmpty)
        #expect(!defaults.agent.allowKeyInSandbox)
        #expect(defaults.agent.proxyPublicURL == nil)

        for (bad, key) in [("llm:\n  anthropic:\n    api_key: sk-ant-hunter2\n", "llm.anthropic.api_key"),
                           ("llm:\n  openai:\n    base_url: ftp://x\n", "llm.openai.base_url"),
                           ("llm:\n  prices:\n    gpt-5: {input: 1}\n", "llm.prices.gpt-5"),
                           ("llm:\n  prices:\n    gpt-5: {input: 1, output: cheap}\n", "llm.prices.gpt-5.output"),
                           ("llm:\n  max_requests_per_minute: -1\n", "llm.max_requests_per_minute"),
                           ("llm:\n  proxy: x\n", "llm.proxy"),
                           ("agent:\n  proxy_public_url: not a url\n", "agent.proxy_public_url")] {
            #expect(throws: ConfigurationError.self) { try DayshiftConfiguration.parse(yaml: bad, environment: [:]) }
            do {
                _ = try DayshiftConfiguration.parse(yaml: bad, environment: [:])
            } catch let error as ConfigurationError {
                #expect(error.key == key)
                #expect(!error.description.contains("hunter2"))
            }
        }
    }

    @Test("Config/dayshift.yaml parses and shows the llm defaults")
    func shippedYAML() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/dayshift.yaml")
        let config = try DayshiftConfiguration.parse(yaml: String(contentsOf: url, encoding: .utf8), environment: [:])
        #expect(config.llm == LLMSettings())
        #expect(config.agent == AgentSettings())
    }

    @Test("a run has at most four calls in flight, and the bytes they carry count toward its budget until they end")
    func inFlightCallsAreBounded() {
        let limiter = RunRateLimiter(limit: 0)
        #expect((1...4).map { limiter.begin(runID: 7, bytes: 10 * $0) } == [10, 30, 60, 100])
        #expect(limiter.begin(runID: 7, bytes: 1) == nil)
        #expect(limiter.begin(runID: 8, bytes: 5) == 5, "another run is not affected")
        limiter.end(runID: 7, bytes: 40)
        #expect(limiter.begin(runID: 7, bytes: 1) == 61)
    }
}
