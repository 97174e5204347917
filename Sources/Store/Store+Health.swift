import DayshiftCore
import Foundation

// What readiness probes and metrics read.
extension Store {
    /// Proves that the database takes a write now: one IMMEDIATE transaction (the writer's lock)
    /// that rewrites `PRAGMA user_version` with its own value and commits, so the write reaches
    /// the WAL and its fsync like any delivery. Nothing changes (Dayshift's schema is tracked by
    /// GRDB's migrations table, not `user_version`).
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`) when the database is read-only, full, locked past the busy
    ///   timeout, or its disk fails.
    public func checkWritable() async throws {
        try await backend.checkWritable()
    }

    /// The names of the migrations Dayshift knows that the database has not applied, in order;
    /// empty when the schema is current.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`) when the database cannot be read.
    public func pendingMigrations() async throws -> [String] {
        try await backend.pendingMigrations()
    }

    /// Number of runs in status `running`.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func runningRunCount() async throws -> Int {
        try await backend.runningRunCount()
    }

    /// Size of the database in bytes (page count × page size): the main file's size once the WAL
    /// is checkpointed. Pages freed by pruning are reused, so the file stops growing rather than shrinks.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func databaseSizeBytes() async throws -> Int {
        try await backend.databaseSizeBytes()
    }
}
