import DayshiftCore
import Foundation

// Reads for operators (the REST API and the dashboard): filtered pages, newest first, each in one read.
extension Store {
    /// Runs matching `query`, newest (highest id) first.
    /// - Parameter limit: at most this many.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`); `DecodingError` when a stored context does not decode.
    public func runs(matching query: RunQuery, limit: Int) async throws -> [Run] {
        try await backend.runs(matching: query, limit: limit)
    }

    /// The name of the step each of these runs is in (`running`), by run id; runs between steps are absent.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func currentSteps(runIDs: [Int64]) async throws -> [Int64: StepName] {
        try await backend.currentSteps(runIDs: runIDs)
    }

    /// The model usage of each of these runs that called a model through the LLM proxy, by run id.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func usage(runIDs: [Int64]) async throws -> [Int64: RunModelUsage] {
        try await backend.usage(runIDs: runIDs)
    }

    /// Deliveries matching `query`, most recently stored first, payloads included.
    /// - Parameter limit: at most this many.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func deliveries(matching query: DeliveryQuery, limit: Int) async throws -> [StoredDelivery] {
        try await backend.deliveries(matching: query, limit: limit)
    }

    /// Issue objects matching `query`, in key order, each with its run count and newest run.
    /// - Parameter limit: at most this many.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`); `DecodingError` when a stored context does not decode.
    public func issueObjects(matching query: IssueObjectQuery, limit: Int) async throws -> [IssueObjectSummary] {
        try await backend.issueObjects(matching: query, limit: limit)
    }

    /// One issue object, or `nil` when no owner ever took its lease.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`); `DecodingError` when a stored context does not decode.
    public func issueObject(key: IssueKey) async throws -> IssueObjectSummary? {
        try await backend.issueObject(key: key)
    }

    /// Every message no issue object has handled yet, oldest first.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func pendingMessages(limit: Int) async throws -> [InboxMessage] {
        try await backend.pendingMessages(limit: limit)
    }
}
