import DayshiftConfig
import Foundation
import Synchronization

/// Where a sandbox reaches the LLM proxy, and the environment that points an agent at it.
///
/// `agent.proxy_public_url` when set; else, for the local runner, `http://<server.host>:<bound port>`
/// (`127.0.0.1` when the server listens on every address), known once the server listens; else
/// (Daytona without `agent.proxy_public_url`) none, and the agent gets no proxy.
public final class ProxyAddress: Sendable {
    private let configured: String?
    private let localHost: String?
    private let port = Mutex<Int?>(nil)

    init(configuration: DayshiftConfiguration) {
        configured = configuration.agent.proxyPublicURL
        if configuration.sandbox.provider == "local" {
            let host = configuration.server.host
            let local = ["0.0.0.0", "::", "", "*"].contains(host) ? "127.0.0.1" : host
            localHost = local.contains(":") ? "[\(local)]" : local
        } else {
            localHost = nil
        }
    }

    /// Records the port the server listens on.
    func bound(port: Int) { self.port.withLock { $0 = port } }

    /// The proxy's root URL (without `/llm`), or `nil` when sandboxes have no way to it.
    public var url: String? {
        if let configured { return configured }
        guard let localHost, let port = port.withLock({ $0 }) else { return nil }
        return "http://\(localHost):\(port)"
    }

    /// The variables that point Claude Code and OpenAI-compatible agents at the proxy with the
    /// run's token: `ANTHROPIC_BASE_URL` (`<url>/llm/anthropic`), `ANTHROPIC_API_KEY`,
    /// `OPENAI_BASE_URL` (`<url>/llm/openai/v1`), `OPENAI_API_KEY`. Empty without a proxy URL.
    func agentEnvironment(runID: Int64, tokens: RunTokens) -> [String: String] {
        guard let url else { return [:] }
        let token = tokens.token(runID: runID)
        return ["ANTHROPIC_BASE_URL": "\(url)/llm/anthropic", "ANTHROPIC_API_KEY": token,
                "OPENAI_BASE_URL": "\(url)/llm/openai/v1", "OPENAI_API_KEY": token]
    }
}
