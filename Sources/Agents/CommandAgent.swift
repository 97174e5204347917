import Foundation
import Sandboxes

/// The `command` agent profile: an operator-configured shell command that runs in the sandbox's
/// clone and reads its task from the file named by `DAYSHIFT_PROMPT_FILE`.
///
/// Claude Code is the default (`claude --print … < "$DAYSHIFT_PROMPT_FILE"`); any command-line agent
/// fits. The command line is the operator's; issue text reaches the agent only through the file.
public struct CommandAgent: Sendable {
    /// The shell command, from `agent.command`.
    public var command: String
    /// Deadline in seconds, from `agent.timeout_seconds`.
    public var timeoutSeconds: Double
    /// Extra environment for the agent (e.g. `ANTHROPIC_API_KEY` from `agent.pass_environment`).
    public var environment: [String: String]

    public init(command: String, timeoutSeconds: Double, environment: [String: String] = [:]) {
        self.command = command
        self.timeoutSeconds = timeoutSeconds
        self.environment = environment
    }

    /// Writes `prompt` to `promptPath` in the sandbox, then runs the agent in `workingDirectory`.
    /// - Parameters:
    ///   - promptPath: a sandbox path outside the clone, so the prompt is never committed.
    /// - Returns: how the agent process ended (exit code, output tail).
    /// - Throws: ``SandboxError`` from the provider.
    public func run(_ prompt: AgentPrompt, provider: any SandboxProvider, sandbox: Sandbox, workingDirectory: String, promptPath: String) async throws -> CommandResult {
        try await provider.uploadFile(in: sandbox.id, path: promptPath, contents: Data(prompt.render().utf8))
        let absolutePrompt = promptPath.hasPrefix("/") ? promptPath : sandbox.homeDirectory + "/" + promptPath
        var environment = self.environment
        environment["DAYSHIFT_PROMPT_FILE"] = absolutePrompt
        environment["DAYSHIFT_ISSUE_NUMBER"] = String(prompt.issueNumber)
        environment["DAYSHIFT_REPOSITORY"] = prompt.repository
        return try await provider.execute(in: sandbox.id, SandboxCommand(command, workingDirectory: workingDirectory, environment: environment,
                                                                        timeoutSeconds: timeoutSeconds, outputLimitBytes: 256 * 1024))
    }
}
