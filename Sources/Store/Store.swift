import Foundation
import GRDB
import Logging

/// The one owner of SQL. Every public method is one domain operation in one transaction, taking
/// and returning DayshiftCore types (the JSON of snapshots, contexts and step results is encoded
/// and decoded here), and every one is `async`: a caller waits for the disk without holding a
/// thread of the cooperative pool. (Intake's group commit also has a completion-handler form,
/// ``recordDeliveries(_:completion:)``, that costs no task hop.)
///
/// On disk the database is a WAL-mode SQLite file (`<data_dir>/dayshift.sqlite`) whose writer runs
/// at `synchronous=FULL` (an acknowledged delivery survives power loss), with a 5 s busy timeout
/// and write transactions begun IMMEDIATE. ``inMemory(logger:)`` gives the same schema in memory,
/// for unit tests.
public final class Store: Sendable {
    let database: any DatabaseWriter
    let logger: Logger
    /// The SQLite library version in use, e.g. `3.40.1` (read once, when the store opens).
    public let sqliteVersion: String

    /// Opens (creating if needed) the database in `directory` and migrates it.
    /// - Throws: GRDB's `DatabaseError` when the file cannot be opened or migrated; file-system errors.
    public convenience init(directory: URL, logger: Logger) throws {
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

    /// A store whose database lives in memory only (gone with the store): the same schema and
    /// operations, for unit tests.
    /// - Throws: GRDB's `DatabaseError` when the schema cannot be created.
    public static func inMemory(logger: Logger = Logger(label: "dayshift.store")) throws -> Store {
        try Store(database: DatabaseQueue(configuration: configuration), logger: logger)
    }

    private init(database: any DatabaseWriter, logger: Logger) throws {
        self.database = database
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

    /// The settings the writer and a reader connection really run with.
    /// - Throws: GRDB's `DatabaseError`.
    public func settings() async throws -> StoreSettings {
        let writer = try await database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        return try await database.read { db in
            StoreSettings(writerSynchronous: writer, readerSynchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
                          journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?")
        }
    }

}
