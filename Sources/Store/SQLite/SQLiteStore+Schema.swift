import Foundation
import GRDB

extension SQLiteStore {
    func appliedMigrations() async throws -> [String] {
        try await database.read { db in try StoreMigrations.migrator.appliedMigrations(db) }
    }

    static func inspect(directory: URL) throws -> SchemaStatus? {
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
