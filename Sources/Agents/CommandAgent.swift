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

    /// The sandbox file (relative to home) where the agent's process group id is kept, with the PID
    /// namespace it belongs to (`<pgid> pid:[<inode>]`), so that a later attempt can stop an agent
    /// that outlived a crashed server.
    ///
    /// Inside an isolating runner (bubblewrap) each command has a PID namespace of its own and its
    /// group id is not visible (`0`): nothing is recorded, and the runner itself stops what a
    /// crashed server left running.
    public static let processGroupFile = ".dayshift/agent.pgid"

    /// A shell command that kills the process group recorded by an earlier attempt, if any, and only
    /// when it was recorded in the PID namespace this command runs in (never group `0` or `1`,
    /// which would mean "my own group" or "every process").
    public static let killEarlierAttempt = """
        f="$HOME/\(processGroupFile)"; if [ -s "$f" ]; then read -r g ns < "$f"; \
        if [ "${g:-0}" -gt 1 ] 2>/dev/null && [ "$ns" = "$(readlink /proc/self/ns/pid)" ]; then kill -9 "-$g" 2>/dev/null; fi; \
        rm -f "$f"; fi; true
        """

    /// Writes `prompt` to `promptPath` in the sandbox, then runs the agent in `workingDirectory`.
    /// The operator's command runs as `exec sh -c "$DAYSHIFT_AGENT_COMMAND"` after recording its
    /// process group in ``processGroupFile``.
    /// - Parameters:
    ///   - promptPath: a sandbox path outside the clone, so the prompt is never committed.
    ///   - runEnvironment: this run's own variables (e.g. the LLM proxy's URLs and run token), over ``environment``.
    /// - Returns: how the agent process ended (exit code, output tail).
    /// - Throws: ``SandboxError`` from the provider.
    public func run(_ prompt: AgentPrompt, provider: any SandboxProvider, sandbox: Sandbox, workingDirectory: String, promptPath: String,
                    runEnvironment: [String: String] = [:]) async throws -> CommandResult {
        try await provider.uploadFile(in: sandbox.id, path: promptPath, contents: Data(prompt.render().utf8))
        let absolutePrompt = promptPath.hasPrefix("/") ? promptPath : sandbox.homeDirectory + "/" + promptPath
        var environment = self.environment.merging(runEnvironment) { _, run in run }
        environment["DAYSHIFT_PROMPT_FILE"] = absolutePrompt
        environment["DAYSHIFT_ISSUE_NUMBER"] = String(prompt.issueNumber)
        environment["DAYSHIFT_REPOSITORY"] = prompt.repository
        environment["DAYSHIFT_AGENT_COMMAND"] = command
        let wrapper = """
            g=$(cut -d' ' -f5 /proc/$$/stat); if [ "${g:-0}" -gt 1 ] 2>/dev/null; then \
            echo "$g $(readlink /proc/self/ns/pid)" > "$HOME/\(Self.processGroupFile)"; fi 2>/dev/null; \
            exec /bin/sh -c "$DAYSHIFT_AGENT_COMMAND"
            """
        return try await provider.execute(in: sandbox.id, SandboxCommand(wrapper, workingDirectory: workingDirectory, environment: environment,
                                                                        timeoutSeconds: timeoutSeconds, outputLimitBytes: 256 * 1024))
    }
}
