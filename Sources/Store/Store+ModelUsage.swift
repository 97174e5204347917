import Foundation

// What runs spent on models (the LLM proxy's meter).
extension Store {
    /// Adds one call's tokens, cost and bytes to the run's usage, in one transaction. Needs no
    /// lease: the proxy is not the issue object, and this row is written by nothing else.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`) (e.g. when the run does not exist).
    public func addModelUsage(runID: Int64, _ call: ModelCallUsage, at date: Date = Date()) async throws {
        try await backend.addModelUsage(runID: runID, call, at: date)
    }

    /// The run's model usage, or `nil` when it made no call through the proxy.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func usage(runID: Int64) async throws -> RunModelUsage? {
        try await backend.usage(runID: runID)
    }
}
