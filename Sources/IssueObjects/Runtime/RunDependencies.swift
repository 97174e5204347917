import Agents
import DayshiftConfig
import Foundation
import GitHub
import Logging
import Sandboxes
import Store

/// What the runtime and the steps need from the outside world, built once at start.
public struct RunDependencies: Sendable {
    public var store: Store
    public var sandboxes: any SandboxProvider
    public var github: GitHubClient
    public var agent: CommandAgent
    public var configuration: DayshiftConfiguration
    public var failPoints: FailPoints
    public var logger: Logger
    /// Raised on graceful shutdown: no run starts another step.
    public let stopping = StopSignal()
    /// Hides the configured secrets in everything a run stores or publishes.
    public var redactor: SecretRedactor

    public init(store: Store, sandboxes: any SandboxProvider, github: GitHubClient, agent: CommandAgent,
                configuration: DayshiftConfiguration, failPoints: FailPoints, logger: Logger) {
        self.store = store
        self.sandboxes = sandboxes
        self.github = github
        self.agent = agent
        self.configuration = configuration
        self.failPoints = failPoints
        self.logger = logger
        self.redactor = SecretRedactor(secrets: [configuration.webhook.secret, configuration.github.token, configuration.sandbox.daytona.apiKey]
            + agent.environment.values)
    }
}
