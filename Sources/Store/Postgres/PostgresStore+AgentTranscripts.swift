import DayshiftCore
import Foundation
import PostgresNIO

// The agent's transcript and progress, one row per run (`agent_transcripts`): each write is one
// upsert on the run's primary key, so the transcript and progress writers never overwrite each
// other's columns and never fail on each other.
extension PostgresStore {
    func saveAgentTranscript(runID: Int64, _ transcript: AgentTranscript, at date: Date) async throws {
        try await write { connection in
            try await connection.run("""
                INSERT INTO agent_transcripts (runId, profile, text, totalBytes, truncated, updatedAt)
                VALUES (\(runID), \(transcript.profile.rawValue), \(transcript.text), \(Int64(transcript.totalBytes)), \(transcript.truncated), \(date))
                ON CONFLICT (runId) DO UPDATE SET profile = excluded.profile, text = excluded.text, totalBytes = excluded.totalBytes,
                    truncated = excluded.truncated, updatedAt = excluded.updatedAt
                """, logger: self.logger)
        }
    }

    func recordAgentProgress(runID: Int64, _ progress: AgentProgress) async throws {
        try await write { connection in
            try await connection.run("""
                INSERT INTO agent_transcripts (runId, profile, turns, tool, sessionId, updatedAt)
                VALUES (\(runID), \(progress.profile.rawValue), \(Int64(progress.turns)), \(progress.tool), \(progress.sessionID), \(progress.updatedAt))
                ON CONFLICT (runId) DO UPDATE SET turns = excluded.turns, tool = excluded.tool,
                    sessionId = COALESCE(excluded.sessionId, agent_transcripts.sessionId), updatedAt = excluded.updatedAt
                """, logger: self.logger)
        }
    }

    func agentTranscript(runID: Int64) async throws -> AgentTranscript? {
        try await read { connection in
            guard let row = try await connection.rows("""
                      SELECT profile, text, totalBytes, truncated FROM agent_transcripts WHERE runId = \(runID)
                      """, logger: self.logger).first else { return nil }
            let (profile, text, totalBytes, truncated) = try row.decode((String, String, Int64, Bool).self)
            return AgentProfileName(rawValue: profile).map { AgentTranscript(profile: $0, text: text, totalBytes: Int(totalBytes), truncated: truncated) }
        }
    }

    func agentProgress(runID: Int64) async throws -> AgentProgress? {
        try await read { connection in
            guard let row = try await connection.rows("""
                      SELECT profile, turns, tool, sessionId, updatedAt FROM agent_transcripts WHERE runId = \(runID)
                      """, logger: self.logger).first else { return nil }
            let (profile, turns, tool, sessionID, updatedAt) = try row.decode((String, Int64, String?, String?, Date).self)
            return AgentProfileName(rawValue: profile).map { AgentProgress(profile: $0, turns: Int(turns), tool: tool, sessionID: sessionID, updatedAt: updatedAt) }
        }
    }
}
