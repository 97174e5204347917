import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+AgentTranscripts.swift).
extension PostgresStore {
    func saveAgentTranscript(runID: Int64, _ transcript: AgentTranscript, at date: Date) async throws {
        throw PostgresStoreUnfinished(operation: "saveAgentTranscript")
    }

    func recordAgentProgress(runID: Int64, _ progress: AgentProgress) async throws {
        throw PostgresStoreUnfinished(operation: "recordAgentProgress")
    }

    func agentTranscript(runID: Int64) async throws -> AgentTranscript? {
        throw PostgresStoreUnfinished(operation: "agentTranscript")
    }

    func agentProgress(runID: Int64) async throws -> AgentProgress? {
        throw PostgresStoreUnfinished(operation: "agentProgress")
    }
}
