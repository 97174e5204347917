/// Which coding agent a run drives, from `agent.profile` (or `repositories."owner/name".agent_profile`).
///
/// - `command`: the operator's shell command (`agent.command`), as before profiles existed.
/// - `claude-code`: `claude -p --output-format stream-json --verbose`, its stream parsed.
/// - `codex`: `codex exec --json`, its JSON lines kept as the transcript.
/// - `aider`: `aider --message-file … --yes-always`, its output kept as text.
public enum AgentProfileName: String, Codable, Sendable, CaseIterable {
    case command
    case claudeCode = "claude-code"
    case codex
    case aider
}
