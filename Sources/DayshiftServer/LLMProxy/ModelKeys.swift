import DayshiftConfig
import Foundation
import Logging

/// Which model keys may enter a sandbox: none, unless `agent.allow_key_in_sandbox: true`.
enum ModelKeys {
    /// Names that hold model keys by convention, withheld whatever their value.
    static let names: Set<String> = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY", "OPENROUTER_API_KEY"]

    /// The agent's environment from `agent.pass_environment`, without model keys (by name, or by a
    /// value equal to a key in `llm.*`) unless `agent.allow_key_in_sandbox`.
    /// - Returns: the environment, and the names withheld.
    static func agentEnvironment(_ configuration: DayshiftConfiguration, environment: [String: String]) -> ([String: String], [String]) {
        let keys = Set([configuration.llm.anthropic.apiKey, configuration.llm.openai.apiKey].filter { !$0.isEmpty })
        var passed: [String: String] = [:]
        var withheld: [String] = []
        for name in configuration.agent.passEnvironment {
            guard let value = environment[name] else { continue }
            if !configuration.agent.allowKeyInSandbox, names.contains(name) || keys.contains(value) {
                withheld.append(name)
            } else {
                passed[name] = value
            }
        }
        return (passed, withheld)
    }
}

extension DayshiftInstance {
    /// Says at start how the agent reaches its model, in one line when something needs the operator.
    func logModelAccess() {
        if !withheldKeys.isEmpty {
            logger.info("model keys in agent.pass_environment stay on the server; the agent reaches its model through the LLM proxy",
                        metadata: ["withheld": "\(withheldKeys.joined(separator: ","))"])
        }
        guard configuration.sandbox.provider == "daytona", configuration.agent.proxyPublicURL == nil else { return }
        if configuration.agent.allowKeyInSandbox {
            logger.warning("sandbox.provider is daytona and agent.proxy_public_url is not set: the model key travels into the sandbox (agent.allow_key_in_sandbox: true)")
        } else {
            logger.warning("sandbox.provider is daytona and agent.proxy_public_url is not set: the agent gets no model key; set agent.proxy_public_url to the URL at which sandboxes reach this server, or agent.allow_key_in_sandbox: true to send the key into the sandbox")
        }
    }
}
