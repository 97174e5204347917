import DayshiftCore
import Foundation
import GRDB

// What readiness probes and metrics read.
extension Store {
    /// Proves that the database takes a write now: one IMMEDIATE transaction (the writer's lock)
    /// that rewrites `PRAGMA user_version` with its own value and commits, so the write reaches
    /// the WAL and its fsync like any delivery. Nothing changes (Dayshift's schema is tracked by
    /// GRDB's migrations table, not `user_version`).
    /// - Throws: GRDB's `DatabaseError` when the database is read-only, full, locked past the busy
    ///   timeout, or its disk fails.
    public func checkWritable() async throws {
        try await database.write { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            try db.execute(sql: "PRAGMA user_version = \(version)")
        }
    }

    /// The names of the migrations Dayshift knows that the database has not applied, in order;
    /// empty when the schema is current.
    /// - Throws: GRDB's `DatabaseError` when the database cannot be read.
    public func pendingMigrations() async throws -> [String] {
        try await database.read { db in
            let applied = Set(try StoreMigrations.migrator.appliedIdentifiers(db))
            return StoreMigrations.migrator.migrations.filter { !applied.contains($0) }
        }
    }

    /// Number of runs in status `running`.
    /// - Throws: GRDB's `DatabaseError`.
    public func runningRunCount() async throws -> Int {
        try await database.read { db in
            try RunRecord.filter(RunRecord.Columns.status == RunStatus.running.rawValue).fetchCount(db)
        }
    }

    /// Size of the database in bytes (page count × page size): the main file's size once the WAL
    /// is checkpointed. Pages freed by pruning are reused, so the file stops growing rather than shrinks.
    /// - Throws: GRDB's `DatabaseError`.
    public func databaseSizeBytes() async throws -> Int {
        try await database.read { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return pages * size
        }
    }
}
