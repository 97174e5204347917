import DayshiftCore
import Foundation
import GRDB

// The agent's transcript and progress, one row per run (`agent_transcripts`).
extension SQLiteStore {
    func saveAgentTranscript(runID: Int64, _ transcript: AgentTranscript, at date: Date = Date()) async throws {
        try await write { db in
            try db.execute(literal: """
                INSERT INTO agent_transcripts (runId, profile, text, totalBytes, truncated, updatedAt)
                VALUES (\(runID), \(transcript.profile.rawValue), \(transcript.text), \(transcript.totalBytes), \(transcript.truncated), \(date))
                ON CONFLICT(runId) DO UPDATE SET profile = excluded.profile, text = excluded.text, totalBytes = excluded.totalBytes,
                    truncated = excluded.truncated, updatedAt = excluded.updatedAt
                """)
        }
    }

    func recordAgentProgress(runID: Int64, _ progress: AgentProgress) async throws {
        try await write { db in
            try db.execute(literal: """
                INSERT INTO agent_transcripts (runId, profile, turns, tool, sessionId, updatedAt)
                VALUES (\(runID), \(progress.profile.rawValue), \(progress.turns), \(progress.tool), \(progress.sessionID), \(progress.updatedAt))
                ON CONFLICT(runId) DO UPDATE SET turns = excluded.turns, tool = excluded.tool,
                    sessionId = COALESCE(excluded.sessionId, agent_transcripts.sessionId), updatedAt = excluded.updatedAt
                """)
        }
    }

    func agentTranscript(runID: Int64) async throws -> AgentTranscript? {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT profile, text, totalBytes, truncated FROM agent_transcripts WHERE runId = ?",
                                             arguments: [runID]),
                  let profile = AgentProfileName(rawValue: row["profile"]) else { return nil }
            return AgentTranscript(profile: profile, text: row["text"], totalBytes: row["totalBytes"], truncated: row["truncated"])
        }
    }

    func agentProgress(runID: Int64) async throws -> AgentProgress? {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT profile, turns, tool, sessionId, updatedAt FROM agent_transcripts WHERE runId = ?",
                                             arguments: [runID]),
                  let profile = AgentProfileName(rawValue: row["profile"]) else { return nil }
            return AgentProgress(profile: profile, turns: row["turns"], tool: row["tool"], sessionID: row["sessionId"], updatedAt: row["updatedAt"])
        }
    }
}
