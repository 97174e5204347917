import DayshiftCore

/// How a run starts its agent under a profile other than `command`: the program and its limits,
/// from `agent.*` (see `Config/dayshift.yaml`).
public struct AgentLaunch: Sendable, Equatable {
    public var profile: AgentProfileName
    /// The program: a name on the sandbox's `PATH` or an absolute path (`agent.executable`).
    public var program: String
    /// `agent.model`, passed as `--model` when set.
    public var model: String?
    /// `agent.max_turns` (Claude Code's `--max-turns`); 0 = no limit.
    public var maxTurns: Int
    /// `agent.max_cost_usd` (Claude Code's `--max-budget-usd`); 0 = no limit.
    public var maxCostUSD: Double
    /// `agent.allowed_tools` and `agent.disallowed_tools` (Claude Code).
    public var allowedTools: [String]
    public var disallowedTools: [String]
    /// `agent.permission_mode` (Claude Code).
    public var permissionMode: String

    public init(profile: AgentProfileName, program: String, model: String? = nil, maxTurns: Int = 0, maxCostUSD: Double = 0,
                allowedTools: [String] = [], disallowedTools: [String] = [], permissionMode: String = "acceptEdits") {
        self.profile = profile
        self.program = program
        self.model = model
        self.maxTurns = maxTurns
        self.maxCostUSD = maxCostUSD
        self.allowedTools = allowedTools
        self.disallowedTools = disallowedTools
        self.permissionMode = permissionMode
    }

    /// Dayshift's own files in the sandbox home (outside the clone, never committed).
    public static let transcriptPath = ".dayshift/agent-transcript"
    public static let claudeSettingsPath = ".dayshift/claude-settings.json"
    public static let mcpConfigPath = ".dayshift/mcp.json"
    /// Claude Code's user-level files (relative to the home directory) that change what it may do or
    /// what it is told, removed before every claude-code start: `settings.json`,
    /// `settings.local.json`, the user memory `CLAUDE.md`, and the `agents`, `commands`, `hooks`,
    /// `output-styles` and `plugins` folders.
    public static let plantableClaudePaths = [
        ".claude/settings.json", ".claude/settings.local.json", ".claude/CLAUDE.md",
        ".claude/agents", ".claude/commands", ".claude/hooks", ".claude/output-styles", ".claude/plugins",
    ]

    /// The allowed tools, with the test command added as `Bash(<command>)` and `Bash(<command>:*)`
    /// so that the agent can run the repository's tests without an approval nobody would give.
    public func tools(testCommand: String?) -> [String] {
        var tools = allowedTools
        if let testCommand, !testCommand.isEmpty, !testCommand.contains(where: { $0.isNewline || $0 == ")" || $0 == "," }) {
            tools += ["Bash(\(testCommand))", "Bash(\(testCommand):*)"]
        }
        return tools
    }

    /// The argument vector the profile runs (never a shell string: every word is passed as one
    /// argument). Issue text is never in it: the prompt travels in the file `promptFile` (Aider's
    /// `--message-file`) or on standard input (Claude Code, Codex).
    /// - Parameters:
    ///   - home: the sandbox's home directory (absolute), where Dayshift's own files are.
    ///   - session: the Claude Code session to start (`--session-id`), or to continue (`resume`).
    public func arguments(promptFile: String, home: String, testCommand: String?, session: String, resume: Bool) -> [String] {
        switch profile {
        case .command:
            return []
        case .claudeCode:
            var argv = [program, "-p", "--output-format", "stream-json", "--verbose",
                        // Only Dayshift's settings: the repository's .claude/settings*.json and .mcp.json are not read.
                        "--setting-sources", "user", "--settings", home + "/" + Self.claudeSettingsPath,
                        "--strict-mcp-config", "--mcp-config", home + "/" + Self.mcpConfigPath,
                        "--permission-mode", permissionMode]
            let tools = tools(testCommand: testCommand)
            if !tools.isEmpty { argv += ["--allowedTools", tools.joined(separator: ",")] }
            if !disallowedTools.isEmpty { argv += ["--disallowedTools", disallowedTools.joined(separator: ",")] }
            if maxTurns > 0 { argv += ["--max-turns", String(maxTurns)] }
            if maxCostUSD > 0 { argv += ["--max-budget-usd", String(maxCostUSD)] }
            if let model { argv += ["--model", model] }
            argv += resume ? ["--resume", session] : ["--session-id", session]
            return argv
        case .codex:
            var argv = [program, "exec", "--json", "--full-auto", "--skip-git-repo-check"]
            if let model { argv += ["--model", model] }
            return argv + ["-"]
        case .aider:
            var argv = [program, "--message-file", promptFile, "--yes-always", "--no-auto-commits", "--no-check-update", "--no-analytics",
                        "--no-pretty", "--no-stream", "--no-show-model-warnings"]
            if let model { argv += ["--model", model] }
            return argv
        }
    }

    /// The settings file handed to Claude Code with `--settings`: Dayshift's permissions, no hooks,
    /// no project MCP servers, and the model endpoint of this run (so that nothing the repository
    /// declares can redirect it).
    public func claudeSettings(testCommand: String?, environment: [String: String]) -> [String: Any] {
        var settings: [String: Any] = [
            "permissions": ["allow": tools(testCommand: testCommand), "deny": disallowedTools, "defaultMode": permissionMode],
            "disableAllHooks": true,
            "enableAllProjectMcpServers": false,
        ]
        let endpoint = environment.filter { $0.key == "ANTHROPIC_BASE_URL" }
        if !endpoint.isEmpty { settings["env"] = endpoint }
        return settings
    }

    /// Whether the profile reads its prompt on standard input.
    public var promptOnStandardInput: Bool { profile == .claudeCode || profile == .codex }
}
