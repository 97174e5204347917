import DayshiftCore
import Foundation

// The agent's transcript and progress, one row per run (`agent_transcripts`).
extension Store {
    /// Keeps the agent's transcript with the run, replacing an earlier attempt's.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`) (e.g. when the run does not exist).
    public func saveAgentTranscript(runID: Int64, _ transcript: AgentTranscript, at date: Date = Date()) async throws {
        try await backend.saveAgentTranscript(runID: runID, transcript, at: date)
    }

    /// Records how far the run's agent has come (turns, the tool in use, its session).
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func recordAgentProgress(runID: Int64, _ progress: AgentProgress) async throws {
        try await backend.recordAgentProgress(runID: runID, progress)
    }

    /// The run's kept transcript, or `nil` when its agent kept none.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func agentTranscript(runID: Int64) async throws -> AgentTranscript? {
        try await backend.agentTranscript(runID: runID)
    }

    /// The run's agent progress, or `nil` when none was recorded.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func agentProgress(runID: Int64) async throws -> AgentProgress? {
        try await backend.agentProgress(runID: runID)
    }
}
