import Foundation
import GRDB

extension Store {
    /// The names of the migrations applied to the database, oldest first, e.g.
    /// `["v1: deliveries, inbox, runs, steps", …]`; once ``init(directory:logger:)`` has returned,
    /// every migration Dayshift knows. Its count is the schema version.
    /// - Throws: GRDB's `DatabaseError` when the database cannot be read.
    public func appliedMigrations() async throws -> [String] {
        try await database.read { db in try StoreMigrations.migrator.appliedMigrations(db) }
    }
}

/// The schema of a database file as found, read without changing it (``Store/inspect(directory:)``).
public struct SchemaStatus: Sendable, Equatable {
    /// Migrations applied, oldest first; their count is the schema version.
    public var applied: [String]
    /// Migrations this version knows that the file lacks (`serve` and `migrate` apply them).
    public var pending: [String]
}

extension Store {
    /// Opens `<directory>/dayshift.sqlite` read-only, if it exists, and reads its schema; creates
    /// and migrates nothing, and works beside a running server (WAL readers do not block it).
    /// - Returns: `nil` when there is no database file yet.
    /// - Throws: GRDB's `DatabaseError` when the file is not a readable SQLite database.
    public static func inspect(directory: URL) throws -> SchemaStatus? {
        let path = directory.appendingPathComponent("dayshift.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            let applied = try db.tableExists("grdb_migrations") ? try StoreMigrations.migrator.appliedMigrations(db) : []
            return SchemaStatus(applied: applied, pending: StoreMigrations.migrator.migrations.filter { !applied.contains($0) })
        }
    }
}
