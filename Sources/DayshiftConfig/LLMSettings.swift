import Foundation
import Yams

/// `llm.*`: the LLM proxy that Dayshift's HTTP server runs at `/llm/anthropic/…` and
/// `/llm/openai/…`, so that a sandbox never holds a model key.
///
/// | key | type | default | meaning |
/// |---|---|---|---|
/// | `llm.anthropic.base_url` | URL | `https://api.anthropic.com` | the Anthropic Messages API root (`/v1/messages` is appended) |
/// | `llm.anthropic.api_key_file` | path | none | file holding the Anthropic key (else `ANTHROPIC_API_KEY`) |
/// | `llm.openai.base_url` | URL | `https://api.openai.com` | an OpenAI-compatible root (`/v1/chat/completions` is appended); OpenRouter: `https://openrouter.ai/api` |
/// | `llm.openai.api_key_file` | path | none | file holding the key (else `OPENAI_API_KEY`) |
/// | `llm.prices` | map | empty | model name → `{input, output}` in USD per million tokens |
/// | `llm.max_requests_per_minute` | int | 120 | per run, over any 60 s; 0 = unlimited |
/// | `llm.max_bytes_per_run` | int | 268435456 | request plus response bytes per run (256 MiB); 0 = unlimited |
///
/// Keys are never read from the YAML file (`llm.anthropic.api_key` is refused).
public struct LLMSettings: Sendable, Equatable {
    public var anthropic = LLMUpstreamSettings(baseURL: "https://api.anthropic.com")
    public var openai = LLMUpstreamSettings(baseURL: "https://api.openai.com")
    /// `llm.prices`: USD per million tokens, by model name (exact, else the longest configured
    /// name that prefixes the model, e.g. `claude-sonnet-4-5` for `claude-sonnet-4-5-20250929`).
    public var prices: [String: ModelPrice] = [:]
    /// `llm.max_requests_per_minute`: per run; 0 = unlimited. Default 120.
    public var maxRequestsPerMinute = 120
    /// `llm.max_bytes_per_run`: request and response bodies together, per run; 0 = unlimited. Default 256 MiB.
    public var maxBytesPerRun = 256 * 1024 * 1024
    public init() {}

    /// The price of `model`, or `nil` when no configured name matches.
    public func price(for model: String) -> ModelPrice? {
        if let exact = prices[model] { return exact }
        return prices.filter { model.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }?.value
    }
}

/// `llm.anthropic.*` or `llm.openai.*`: one upstream API.
public struct LLMUpstreamSettings: Sendable, Equatable {
    /// `base_url`: the upstream's root, without a trailing `/v1`.
    public var baseURL: String
    /// The real key, from the environment (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY`) or `api_key_file`;
    /// empty when not configured (calls are then refused with 403).
    public var apiKey = ""
    public init(baseURL: String, apiKey: String = "") {
        self.baseURL = baseURL
        self.apiKey = apiKey
    }
}

/// A model's price in USD per million tokens.
public struct ModelPrice: Sendable, Equatable {
    /// USD per million input tokens.
    public var input: Double
    /// USD per million output tokens.
    public var output: Double
    public init(input: Double, output: Double) {
        self.input = input
        self.output = output
    }

    /// The cost in USD of `inputTokens` and `outputTokens`.
    public func cost(inputTokens: Int, outputTokens: Int) -> Double {
        (Double(inputTokens) * input + Double(outputTokens) * output) / 1_000_000
    }
}

extension ConfigurationReader {
    static let llmKeys: Set<String> = ["anthropic", "openai", "prices", "max_requests_per_minute", "max_bytes_per_run"]

    static func readLLM(_ node: ConfigNode) throws -> LLMSettings {
        var settings = LLMSettings()
        settings.anthropic = try readUpstream(node.child("anthropic", allowedKeys: ["base_url", "api_key", "api_key_file"]),
                                              base: settings.anthropic, environmentName: "ANTHROPIC_API_KEY")
        settings.openai = try readUpstream(node.child("openai", allowedKeys: ["base_url", "api_key", "api_key_file"]),
                                           base: settings.openai, environmentName: "OPENAI_API_KEY")
        settings.maxRequestsPerMinute = try node.int("max_requests_per_minute", default: settings.maxRequestsPerMinute, range: 0...100_000)
        settings.maxBytesPerRun = try node.int("max_bytes_per_run", default: settings.maxBytesPerRun, range: 0...(1 << 40))
        let prices = try ConfigNode(path: node.keyPath("prices"), node: node.node("prices"), allowedKeys: nil)
        for (model, value) in prices.mapping ?? Node.Mapping([]) {
            let name = model.string ?? "?"
            let price = try ConfigNode(path: prices.keyPath(name), node: value, allowedKeys: ["input", "output"])
            guard price.node("input") != nil, price.node("output") != nil else {
                throw ConfigurationError(key: prices.keyPath(name), problem: "expected {input: USD per million tokens, output: USD per million tokens}")
            }
            settings.prices[name] = ModelPrice(input: try price.double("input", default: 0, range: 0...1_000_000),
                                               output: try price.double("output", default: 0, range: 0...1_000_000))
        }
        return settings
    }

    static func readUpstream(_ node: ConfigNode, base: LLMUpstreamSettings, environmentName: String) throws -> LLMUpstreamSettings {
        var settings = base
        try node.refuseSecret("api_key", use: "\(environmentName) or \(node.keyPath("api_key_file"))")
        settings.baseURL = try node.string("base_url", default: settings.baseURL)
        guard let url = URL(string: settings.baseURL), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil,
              url.query == nil, url.fragment == nil else {
            throw ConfigurationError(key: node.keyPath("base_url"), problem: "expected an http(s) URL without query, got \"\(settings.baseURL)\"")
        }
        while settings.baseURL.hasSuffix("/") { settings.baseURL.removeLast() }
        if let file = try node.optionalString("api_key_file") {
            settings.apiKey = try readSecret(file, key: node.keyPath("api_key_file"))
        }
        return settings
    }
}
