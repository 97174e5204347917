import Foundation
import GRDB
import Logging

/// The SQLite backend (GRDB): a WAL-mode file at `synchronous=FULL`, or an in-memory database.
final class SQLiteStore: StoreBackend {
    let database: any DatabaseWriter
    /// Every write goes through it (one transaction per batch of concurrent writes).
    let groupCommit: SQLiteGroupCommit
    let logger: Logger
    /// The SQLite library version in use, e.g. `3.40.1` (read once, when the store opens).
    let sqliteVersion: String
    var engine: String { "sqlite \(sqliteVersion)" }

    /// Opens (creating if needed) the database in `directory` and migrates it.
    convenience init(directory: URL, logger: Logger) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Self.configuration
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let pool = try DatabasePool(path: directory.appendingPathComponent("dayshift.sqlite").path, configuration: configuration)
        // GRDB sets the WAL writer to synchronous=NORMAL after `prepareDatabase`; what is
        // acknowledged to GitHub must survive power loss, so the writer gets FULL again here.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try self.init(database: pool, logger: logger)
    }

    static func inMemory(logger: Logger) throws -> SQLiteStore {
        try SQLiteStore(database: DatabaseQueue(configuration: configuration), logger: logger)
    }

    private init(database: any DatabaseWriter, logger: Logger) throws {
        self.database = database
        self.groupCommit = SQLiteGroupCommit(database: database)
        self.logger = logger
        sqliteVersion = try database.read { db in try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "?" }
        try StoreMigrations.migrator.migrate(database)
    }

    private static var configuration: Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "dayshift"
        return configuration
    }

    func settings() async throws -> StoreSettings {
        let writer = try await database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        return try await database.read { db in
            StoreSettings(writerSynchronous: writer, readerSynchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
                          journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?")
        }
    }

    func close() async {}

    /// Runs `updates` in a write transaction, shared with the writes queued at the same moment
    /// (``SQLiteGroupCommit``), and returns once it is committed.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await groupCommit.write(updates)
    }
}

extension Store {
    /// The SQLite database under a SQLite store (tests reach below the API with it); `nil` on PostgreSQL.
    var sqliteDatabase: (any DatabaseWriter)? { (backend as? SQLiteStore)?.database }
}
