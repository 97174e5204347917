import Agents
import DayshiftConfig
import DayshiftCore
import Foundation
import GitHub
import Logging
import Sandboxes
import Store

/// What the runtime and the steps need from the outside world, built once at start.
public struct RunDependencies: Sendable {
    public var store: Store
    public var sandboxes: any SandboxProvider
    /// GitHub clients per repository (an App's installation tokens, or a personal access token).
    public var github: any GitHubAccess
    public var agent: CommandAgent
    public var configuration: DayshiftConfiguration
    public var failPoints: FailPoints
    public var logger: Logger
    /// Raised on graceful shutdown: no run starts another step.
    public let stopping = StopSignal()
    /// Hides the configured secrets in everything a run stores or publishes.
    public var redactor: SecretRedactor
    /// The environment that lets the run's agent reach its model (the LLM proxy's base URLs and the
    /// run's token), by run id; none by default.
    public var modelEnvironment: @Sendable (_ runID: Int64) -> [String: String] = { _ in [:] }
    /// Told how steps and runs end, for metrics; records nothing by default.
    public var recorder: any RuntimeRecorder = NoRuntimeRecorder()
    /// Asks the runtime for a pass over the queue, the inbox and the alarms (a run finished and
    /// freed its sandbox slot, or queued itself); set by ``IssueObjectRuntime``, nothing by default.
    public var wakeRuntime: @Sendable () -> Void = {}
    /// The name this process's leases carry (``ReplicaName/current`` unless a test runs several
    /// replicas in one process).
    public var replica = ReplicaName.current
    /// Senders' repository roles, cached for `triggers.permission_cache_seconds`.
    let permissions: SenderPermissions

    public init(store: Store, sandboxes: any SandboxProvider, github: any GitHubAccess, agent: CommandAgent,
                configuration: DayshiftConfiguration, failPoints: FailPoints, logger: Logger) {
        self.store = store
        self.sandboxes = sandboxes
        self.github = github
        self.agent = agent
        self.configuration = configuration
        self.failPoints = failPoints
        self.logger = logger
        self.permissions = SenderPermissions(lifetimeSeconds: configuration.triggers.permissionCacheSeconds)
        self.redactor = SecretRedactor(secrets: [configuration.webhook.secret, configuration.github.token, configuration.sandbox.daytona.apiKey]
            + Self.pemLines(configuration.github.privateKeyPEM) + agent.environment.values
            + [configuration.llm.anthropic.apiKey, configuration.llm.openai.apiKey])
    }

    /// How long a lease lasts unless renewed: `runtime.lease_seconds` when several replicas may
    /// share the store; nil (no expiry) when only this server uses it.
    var leaseSeconds: Double? {
        configuration.store.replicasMayShareIt ? configuration.runtime.leaseSeconds : nil
    }

    /// A PEM key, and each long line of its base64 body (a key printed in pieces is still found).
    static func pemLines(_ pem: String) -> [String] {
        guard !pem.isEmpty else { return [] }
        return [pem] + pem.split(whereSeparator: \.isNewline).map(String.init).filter { $0.count >= 32 && !$0.hasPrefix("-----") }
    }
}
