import Foundation

/// What a run's agent wrote on its standard output (Claude Code's stream-json, Codex's JSON lines,
/// Aider's text), kept with the run: the whole of it up to a cap, else its beginning and its end
/// with a line saying how much was left out between them.
public struct AgentTranscript: Sendable, Equatable {
    public var profile: AgentProfileName
    /// The kept text (UTF-8), at most ``AgentTranscript/keptBytes`` and a marker line.
    public var text: String
    /// Bytes the agent wrote in all.
    public var totalBytes: Int
    /// True when ``text`` is not the whole transcript.
    public var truncated: Bool

    /// The most of a transcript a run keeps: 2 MiB of its beginning plus 1 MiB of its end.
    public static let headBytes = 2 << 20
    public static let tailBytes = 1 << 20
    public static var keptBytes: Int { headBytes + tailBytes }

    public init(profile: AgentProfileName, text: String, totalBytes: Int, truncated: Bool) {
        self.profile = profile
        self.text = text
        self.totalBytes = totalBytes
        self.truncated = truncated
    }
}

/// How far a running agent has come, read from its transcript while it works.
public struct AgentProgress: Sendable, Equatable {
    public var profile: AgentProfileName
    /// Assistant turns so far.
    public var turns: Int
    /// The tool the agent called last (e.g. `Bash`), if any.
    public var tool: String?
    public var sessionID: String?
    public var updatedAt: Date

    public init(profile: AgentProfileName, turns: Int, tool: String?, sessionID: String?, updatedAt: Date = Date()) {
        self.profile = profile
        self.turns = turns
        self.tool = tool
        self.sessionID = sessionID
        self.updatedAt = updatedAt
    }
}
