import DayshiftConfig
import Foundation
import Logging
import Store

/// `dayshift migrate`: brings the database (in `data_dir`, or at `store.url`) to the current schema and closes it,
/// so that an upgrade can migrate before the new server starts (`ExecStartPre=`, an init container).
public enum DatabaseMigration {
    /// Creates `data_dir` (0700) and the database (0600) if needed, and applies every pending migration.
    /// - Returns: the applied migrations' names, oldest first; their count is the schema version.
    /// - Throws: ``ConfigurationError`` for `data_dir` when a server is using it or the database
    ///   cannot be opened or migrated.
    public static func run(_ configuration: DayshiftConfiguration, logger: Logger) async throws -> [String] {
        if configuration.store.isShared {
            // PostgreSQL: migrations run under an advisory lock, so replicas may be running.
            let store = try await StoreOpening.open(configuration, logger: logger, forServing: false)
            defer { Task { await store.close() } }
            return try await store.appliedMigrations()
        }
        let directory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        try DataDirectory.prepare(directory)
        let lock = try DataDirectoryLock(directory: configuration.dataDirectory)
        defer { lock.release() }
        try DataDirectory.prepareDatabaseFile(in: directory)
        do {
            return try await Store(directory: directory, logger: logger).appliedMigrations()
        } catch {
            throw ConfigurationError(key: "data_dir", problem: "cannot migrate the database in \(directory.path) (\(error))")
        }
    }
}
