import DayshiftCore
import Foundation

// Data hygiene: removing what is older than the retention settings, a small batch per transaction.
extension Store {
    /// Prunes one batch of old deliveries, in one transaction: at most `limit` deliveries received
    /// before their cutoff (`ignoredBefore` for deliveries intake ignored, `actedBefore` for the
    /// others; `nil` keeps them) and none of whose inbox messages is still unhandled.
    ///
    /// Each one is deleted with its handled inbox messages, unless a run still names one of those
    /// messages as its trigger: then only its payload is emptied (zero bytes), and the row stays as
    /// long as the run. A delivery with an unhandled message is never touched.
    ///
    /// A pruned GUID is forgotten: GitHub's redelivery of it (GitHub offers redelivery for a few
    /// days only) would be taken as new.
    /// - Returns: what was done; call again until ``DeliveryPruning/examined`` is 0.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`) (nothing of the batch is changed then).
    public func pruneDeliveries(actedBefore: Date?, ignoredBefore: Date?, limit: Int) async throws -> DeliveryPruning {
        try await backend.pruneDeliveries(actedBefore: actedBefore, ignoredBefore: ignoredBefore, limit: limit)
    }

    /// Prunes the journals of one batch of finished runs, in one transaction: at most `limit` runs
    /// not `running` that finished before `finishedBefore`. Their step rows (results, outputs,
    /// errors) and fired alarms are deleted. The run's own row (status, summary, model usage) is
    /// kept, and so are its succeeded `publish` steps: they name the commits Dayshift wrote, by
    /// which a later run recognises the branch as its own.
    /// - Returns: what was done; call again until ``RunJournalPruning/runs`` is 0.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`) (nothing of the batch is changed then).
    public func pruneRunJournals(finishedBefore: Date, limit: Int) async throws -> RunJournalPruning {
        try await backend.pruneRunJournals(finishedBefore: finishedBefore, limit: limit)
    }

    /// Deletes one batch of old lease history, in one transaction: at most `limit` terms of
    /// `issue_object_leases` acquired before `acquiredBefore` that are not their issue's current
    /// term (the current one is never deleted).
    /// - Returns: how many terms were deleted; call again until it is below `limit`.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func pruneLeaseHistory(acquiredBefore: Date, limit: Int) async throws -> Int {
        try await backend.pruneLeaseHistory(acquiredBefore: acquiredBefore, limit: limit)
    }
}
