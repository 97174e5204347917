import DayshiftCore
import Foundation

// The fair queue for sandbox slots (`run_queue`). A run is queued in its start transaction,
// admitted (given a slot) in a transaction that counts the slots held, and releases its slot in
// its finish transaction: a crash anywhere in between leaves the slot with the run that holds
// it, which resumes at the next start, so a slot is never lost nor given twice.
extension Store {
    /// Tries to admit waiting runs (see ``admitWaitingRuns(limit:at:)``), then says where `runID` stands.
    /// - Parameter limit: slots across the server (`runtime.max_concurrent_runs`).
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func claimSlot(runID: Int64, limit: Int, at date: Date = Date()) async throws -> SlotClaim {
        try await backend.claimSlot(runID: runID, limit: limit, at: date)
    }

    /// Gives free slots to waiting runs in fair order (``FairQueue``): a slot is free while fewer
    /// than `limit` running runs hold one.
    /// - Returns: the issue keys of the runs admitted now.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func admitWaitingRuns(limit: Int, at date: Date = Date()) async throws -> [String] {
        try await backend.admitWaitingRuns(limit: limit, at: date)
    }

    /// The issue keys of the running runs that hold a slot (the runtime makes sure each is executing).
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func issueKeysHoldingSlots() async throws -> [String] {
        try await backend.issueKeysHoldingSlots()
    }

    /// Records that the issue was told its run is queued.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func markQueueNotified(runID: Int64, at date: Date = Date()) async throws {
        try await backend.markQueueNotified(runID: runID, at: date)
    }

    /// The runs holding slots and the runs waiting, in service order, in one read.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func queueSnapshot() async throws -> QueueSnapshot {
        try await backend.queueSnapshot()
    }

    /// The issue keys of the last `limit` runs given a slot, in the order they got it.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func admissionOrder(limit: Int = 100) async throws -> [String] {
        try await backend.admissionOrder(limit: limit)
    }

    /// What `repository` and `installation` used on the UTC day holding `date`: runs started that
    /// day, and their model cost (table `run_model_usage`).
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func dailyUsage(repository: String, installation: Int64, on date: Date = Date()) async throws -> (repository: DailyUsage, installation: DailyUsage) {
        try await backend.dailyUsage(repository: repository, installation: installation, on: date)
    }
}
