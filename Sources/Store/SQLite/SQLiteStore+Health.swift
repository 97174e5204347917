import DayshiftCore
import Foundation
import GRDB

// What readiness probes and metrics read.
extension SQLiteStore {
    func checkWritable() async throws {
        try await write { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            try db.execute(sql: "PRAGMA user_version = \(version)")
        }
    }

    func pendingMigrations() async throws -> [String] {
        try await database.read { db in
            let applied = Set(try StoreMigrations.migrator.appliedIdentifiers(db))
            return StoreMigrations.migrator.migrations.filter { !applied.contains($0) }
        }
    }

    func runningRunCount() async throws -> Int {
        try await database.read { db in
            try RunRecord.filter(RunRecord.Columns.status == RunStatus.running.rawValue).fetchCount(db)
        }
    }

    func databaseSizeBytes() async throws -> Int {
        try await database.read { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return pages * size
        }
    }
}
