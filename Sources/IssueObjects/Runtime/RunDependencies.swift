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

    public init(store: Store, sandboxes: any SandboxProvider, github: GitHubClient, agent: CommandAgent,
                configuration: DayshiftConfiguration, failPoints: FailPoints, logger: Logger) {
        self.store = store
        self.sandboxes = sandboxes
        self.github = github
        self.agent = agent
        self.configuration = configuration
        self.failPoints = failPoints
        self.logger = logger
    }
}
