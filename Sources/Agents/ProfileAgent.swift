import DayshiftCore
import Foundation
import Sandboxes

/// Runs an agent under a profile (`claude-code`, `codex`, `aider`) in the sandbox's clone: writes
/// Dayshift's settings files, starts the profile's argument vector with its standard output going
/// to ``AgentLaunch/transcriptPath``, watches the transcript while the agent works, and reads it
/// back bounded when it ends.
public struct ProfileAgent: Sendable {
    public var launch: AgentLaunch
    /// `agent.timeout_seconds`.
    public var timeoutSeconds: Double
    /// Extra environment (e.g. from `agent.pass_environment`).
    public var environment: [String: String]
    /// How often the transcript is looked at while the agent runs, in seconds.
    public var progressInterval: Double

    public init(launch: AgentLaunch, timeoutSeconds: Double, environment: [String: String] = [:], progressInterval: Double = 5) {
        self.launch = launch
        self.timeoutSeconds = timeoutSeconds
        self.environment = environment
        self.progressInterval = progressInterval
    }

    /// Starts the agent and waits for it.
    /// - Parameters:
    ///   - prompt: the rendered prompt; written to `promptPath` (relative to the sandbox home).
    ///   - session: the Claude Code session id to start, or to continue when `resume`.
    ///   - progress: told what the transcript shows while the agent works.
    /// - Returns: how the process ended (its standard error's tail is the output).
    /// - Throws: ``SandboxError`` from the provider.
    public func run(prompt: String, testCommand: String?, provider: any SandboxProvider, sandbox: Sandbox, workingDirectory: String,
                    promptPath: String, runEnvironment: [String: String], session: String, resume: Bool,
                    progress: @escaping @Sendable (AgentProgress) async -> Void = { _ in }) async throws -> CommandResult {
        let home = sandbox.homeDirectory
        try await provider.uploadFile(in: sandbox.id, path: promptPath, contents: Data(prompt.utf8))
        var environment = self.environment.merging(runEnvironment) { _, run in run }
        // Aider (through LiteLLM) reads the OpenAI-compatible endpoint as OPENAI_API_BASE.
        if launch.profile == .aider, let url = environment["OPENAI_BASE_URL"], environment["OPENAI_API_BASE"] == nil {
            environment["OPENAI_API_BASE"] = url
        }
        if launch.profile == .claudeCode {
            let settings = try JSONSerialization.data(withJSONObject: launch.claudeSettings(testCommand: testCommand, environment: environment),
                                                      options: [.sortedKeys])
            try await provider.uploadFile(in: sandbox.id, path: AgentLaunch.claudeSettingsPath, contents: settings)
            try await provider.uploadFile(in: sandbox.id, path: AgentLaunch.mcpConfigPath, contents: Data(#"{"mcpServers":{}}"#.utf8))
        }
        let absolutePrompt = promptPath.hasPrefix("/") ? promptPath : home + "/" + promptPath
        environment["DAYSHIFT_PROMPT_FILE"] = absolutePrompt
        let argv = launch.arguments(promptFile: absolutePrompt, home: home, testCommand: testCommand, session: session, resume: resume)
        let input = launch.promptOnStandardInput ? "\"$DAYSHIFT_PROMPT_FILE\"" : "/dev/null"
        // A resumed session appends to the transcript it continues.
        let output = resume ? ">>" : ">"
        // Code that ran in this sandbox before the agent (the repository's setup and tests) may have
        // written Claude Code's user-level settings, memory, agents, commands or hooks into the home
        // directory: --setting-sources user would read them. They are removed before every start,
        // so the agent gets Dayshift's settings only (its sessions, for --resume, are kept).
        let clearing = launch.profile == .claudeCode ? "rm -rf \(AgentLaunch.plantableClaudePaths.map { "\"$HOME/\($0)\"" }.joined(separator: " ")); " : ""
        let wrapper = clearing + """
            g=$(cut -d' ' -f5 /proc/$$/stat); if [ "${g:-0}" -gt 1 ] 2>/dev/null; then \
            echo "$g $(readlink /proc/self/ns/pid)" > "$HOME/\(CommandAgent.processGroupFile)"; fi 2>/dev/null; \
            exec \(ShellWords.join(argv)) < \(input) \(output) "$HOME/\(AgentLaunch.transcriptPath)"
            """
        let command = SandboxCommand(wrapper, workingDirectory: workingDirectory, environment: environment, timeoutSeconds: timeoutSeconds,
                                     outputLimitBytes: 64 * 1024)
        return try await withThrowingTaskGroup(of: CommandResult?.self) { group in
            group.addTask { try await provider.execute(in: sandbox.id, command) }
            group.addTask {
                await watch(provider: provider, sandbox: sandbox, session: session, progress: progress)
                return nil
            }
            var ended: CommandResult?
            while let next = try await group.next() {
                if let next {
                    ended = next
                    group.cancelAll()
                }
            }
            guard let ended else { throw CancellationError() }
            return ended
        }
    }

    /// Reads the transcript's end every ``progressInterval`` seconds until cancelled.
    private func watch(provider: any SandboxProvider, sandbox: Sandbox, session: String, progress: @escaping @Sendable (AgentProgress) async -> Void) async {
        let file = "\"$HOME/\(AgentLaunch.transcriptPath)\""
        let look = SandboxCommand("grep -c '\"type\":\"assistant\"' \(file); tail -c 16384 \(file)", timeoutSeconds: 30, outputLimitBytes: 32 * 1024)
        var last: AgentProgress?
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(progressInterval)) } catch { return }
            guard launch.profile == .claudeCode, let result = try? await provider.execute(in: sandbox.id, look) else { continue }
            var lines = result.output.split(separator: "\n", maxSplits: 1)
            let turns = lines.isEmpty ? 0 : Int(lines.removeFirst().trimmingCharacters(in: .whitespaces)) ?? 0
            var reader = ClaudeStreamReader()
            reader.read(lines.first.map(String.init) ?? "")
            let now = AgentProgress(profile: launch.profile, turns: turns, tool: reader.lastTool, sessionID: reader.sessionID ?? session)
            if now.turns != last?.turns || now.tool != last?.tool {
                await progress(now)
                last = now
            }
        }
    }

    /// Reads the transcript back: whole when it is at most ``AgentTranscript/keptBytes``, else its
    /// first ``AgentTranscript/headBytes`` and last ``AgentTranscript/tailBytes`` around a line
    /// saying how much was left out. The server never holds more than that in memory.
    /// - Throws: ``SandboxError`` from the provider.
    public static func transcript(profile: AgentProfileName, provider: any SandboxProvider, sandbox: Sandbox) async throws -> AgentTranscript {
        let path = AgentLaunch.transcriptPath
        let size = try await provider.execute(in: sandbox.id, SandboxCommand("wc -c < \"$HOME/\(path)\" 2>/dev/null || echo 0", timeoutSeconds: 60))
        let total = Int(size.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        guard total > 0 else { return AgentTranscript(profile: profile, text: "", totalBytes: 0, truncated: false) }
        if total <= AgentTranscript.keptBytes {
            let data = try await provider.downloadFile(in: sandbox.id, path: path)
            return AgentTranscript(profile: profile, text: String(decoding: data.prefix(AgentTranscript.keptBytes), as: UTF8.self), totalBytes: total,
                                   truncated: data.count > AgentTranscript.keptBytes)
        }
        let cut = """
            head -c \(AgentTranscript.headBytes) "$HOME/\(path)" > "$HOME/\(path).head" && \
            tail -c \(AgentTranscript.tailBytes) "$HOME/\(path)" > "$HOME/\(path).tail"
            """
        _ = try await provider.execute(in: sandbox.id, SandboxCommand(cut, timeoutSeconds: 120))
        let head = try await provider.downloadFile(in: sandbox.id, path: path + ".head").prefix(AgentTranscript.headBytes)
        let tail = try await provider.downloadFile(in: sandbox.id, path: path + ".tail").suffix(AgentTranscript.tailBytes)
        let omitted = total - head.count - tail.count
        let text = String(decoding: head, as: UTF8.self) + "\n[dayshift: \(omitted) bytes of the transcript left out here]\n"
            + String(decoding: tail, as: UTF8.self)
        return AgentTranscript(profile: profile, text: text, totalBytes: total, truncated: true)
    }
}
