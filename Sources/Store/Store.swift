import DayshiftConfig
import Foundation
import GRDB
import Logging

/// The one owner of SQL. Every public method is one domain operation in one transaction, so each
/// invariant has one home and the rest of Dayshift never writes SQL.
///
/// The database is a WAL-mode SQLite file (`<data_dir>/dayshift.sqlite`) opened with
/// `synchronous=FULL` (an acknowledged delivery survives power loss), a 5 s busy timeout, and
/// write transactions begun IMMEDIATE (GRDB's default for `DatabasePool` writes).
public final class Store: Sendable {
    let database: DatabasePool
    let logger: Logger

    /// Opens (creating if needed) the database in `directory` and migrates it.
    /// - Throws: GRDB's `DatabaseError` when the file cannot be opened or migrated; file-system errors.
    public init(directory: URL, logger: Logger) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "dayshift"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        database = try DatabasePool(path: directory.appendingPathComponent("dayshift.sqlite").path, configuration: configuration)
        // GRDB sets the WAL writer to synchronous=NORMAL after `prepareDatabase`; what is
        // acknowledged to GitHub must survive power loss, so the writer gets FULL again here.
        try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        self.logger = logger
        try StoreMigrations.migrator.migrate(database)
    }

    /// The writer connection's `PRAGMA synchronous` level: 2 is FULL.
    public func writerSynchronousLevel() throws -> Int {
        try database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The SQLite library version in use, e.g. `3.40.1`.
    public func sqliteVersion() throws -> String {
        try database.read { db in try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "?" }
    }
}
