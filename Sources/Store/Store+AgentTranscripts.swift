import DayshiftCore
import Foundation
import GRDB

// The agent's transcript and progress, one row per run (`agent_transcripts`).
extension Store {
    /// Keeps the agent's transcript with the run, replacing an earlier attempt's.
    /// - Throws: GRDB's `DatabaseError` (e.g. when the run does not exist).
    public func saveAgentTranscript(runID: Int64, _ transcript: AgentTranscript, at date: Date = Date()) async throws {
        try await database.write { db in
            try db.execute(literal: """
                INSERT INTO agent_transcripts (runId, profile, text, totalBytes, truncated, updatedAt)
                VALUES (\(runID), \(transcript.profile.rawValue), \(transcript.text), \(transcript.totalBytes), \(transcript.truncated), \(date))
                ON CONFLICT(runId) DO UPDATE SET profile = excluded.profile, text = excluded.text, totalBytes = excluded.totalBytes,
                    truncated = excluded.truncated, updatedAt = excluded.updatedAt
                """)
        }
    }

    /// Records how far the run's agent has come (turns, the tool in use, its session).
    /// - Throws: GRDB's `DatabaseError`.
    public func recordAgentProgress(runID: Int64, _ progress: AgentProgress) async throws {
        try await database.write { db in
            try db.execute(literal: """
                INSERT INTO agent_transcripts (runId, profile, turns, tool, sessionId, updatedAt)
                VALUES (\(runID), \(progress.profile.rawValue), \(progress.turns), \(progress.tool), \(progress.sessionID), \(progress.updatedAt))
                ON CONFLICT(runId) DO UPDATE SET turns = excluded.turns, tool = excluded.tool,
                    sessionId = COALESCE(excluded.sessionId, agent_transcripts.sessionId), updatedAt = excluded.updatedAt
                """)
        }
    }

    /// The run's kept transcript, or `nil` when its agent kept none.
    /// - Throws: GRDB's `DatabaseError`.
    public func agentTranscript(runID: Int64) async throws -> AgentTranscript? {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT profile, text, totalBytes, truncated FROM agent_transcripts WHERE runId = ?",
                                             arguments: [runID]),
                  let profile = AgentProfileName(rawValue: row["profile"]) else { return nil }
            return AgentTranscript(profile: profile, text: row["text"], totalBytes: row["totalBytes"], truncated: row["truncated"])
        }
    }

    /// The run's agent progress, or `nil` when none was recorded.
    /// - Throws: GRDB's `DatabaseError`.
    public func agentProgress(runID: Int64) async throws -> AgentProgress? {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT profile, turns, tool, sessionId, updatedAt FROM agent_transcripts WHERE runId = ?",
                                             arguments: [runID]),
                  let profile = AgentProfileName(rawValue: row["profile"]) else { return nil }
            return AgentProgress(profile: profile, turns: row["turns"], tool: row["tool"], sessionID: row["sessionId"], updatedAt: row["updatedAt"])
        }
    }
}
