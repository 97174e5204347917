import DayshiftConfig
import Foundation
import Logging
import Testing
@testable import DayshiftServer

/// `data_dir` and the database are private to the server's user.
@Suite("Data directory")
struct DataDirectoryTests {
    static func instance(_ data: URL) throws -> DayshiftInstance {
        var configuration = DayshiftConfiguration()
        configuration.dataDirectory = data.path
        configuration.sandbox.local.isolation = "none"
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try DayshiftInstance(configuration: configuration, logger: logger, environment: [:])
    }

    @Test("a new data_dir is created 0700 and the database files 0600")
    func created() throws {
        let directory = try TestDirectory("datadir")
        defer { directory.remove() }
        let data = directory.url.appendingPathComponent("new/data")
        let instance = try Self.instance(data)
        // While the database is open, its WAL and shared-memory files exist too.
        #expect(try ServeCommandTests.mode(data) == 0o700)
        for name in ["dayshift.sqlite", "dayshift.sqlite-wal", "dayshift.sqlite-shm"] {
            #expect(try ServeCommandTests.mode(data.appendingPathComponent(name)) == 0o600, "\(name)")
        }
        withExtendedLifetime(instance) {}
    }

    @Test("an existing database readable by others is made 0600 at the next start")
    func tightened() throws {
        let directory = try TestDirectory("datadir")
        defer { directory.remove() }
        _ = try Self.instance(directory.url)
        let database = directory.url.appendingPathComponent("dayshift.sqlite")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: database.path)
        _ = try Self.instance(directory.url)
        #expect(try ServeCommandTests.mode(database) == 0o600)
    }

    @Test("the server keeps SQLite's locks on its database: another process that opens and closes it leaves the live WAL alone")
    func locksKept() async throws {
        let directory = try TestDirectory("datadir")
        defer { directory.remove() }
        var configuration = DayshiftConfiguration()
        configuration.dataDirectory = directory.url.path
        configuration.sandbox.local.isolation = "none"
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        // As `serve` and the demo open it: the store first, then the server around it.
        let store = try await StoreOpening.open(configuration, logger: logger)
        let instance = try DayshiftInstance(configuration: configuration, store: store, logger: logger, environment: [:])
        try await store.checkWritable()
        let database = directory.url.appendingPathComponent("dayshift.sqlite")
        let wal = directory.url.appendingPathComponent("dayshift.sqlite-wal")
        #expect(FileManager.default.fileExists(atPath: wal.path))
        // A `sqlite3` shell, a second server refused by the data directory's lock: it opens the
        // database, reads, and closes. Were this process's locks gone, its close would take the
        // database for unused, checkpoint it and delete the WAL the server still writes into.
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        reader.arguments = ["python3", "-c", """
            import sqlite3, sys
            connection = sqlite3.connect(sys.argv[1])
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            connection.close()
            """, database.path]
        try reader.run()
        reader.waitUntilExit()
        #expect(reader.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: wal.path), "the live WAL was deleted by another process's close")
        withExtendedLifetime(instance) {}
        await store.close()
    }

    @Test("a SQLite without the WAL-reset fix is noted once per version and data directory, as information")
    func sqliteNotice() throws {
        let directory = try TestDirectory("datadir")
        defer { directory.remove() }
        #expect(SQLiteVersionNotice.message(version: "3.51.3", dataDirectory: directory.url) == nil)
        let first = try #require(SQLiteVersionNotice.message(version: "3.40.1", dataDirectory: directory.url))
        #expect(first.contains("3.40.1") && first.contains("upgrade libsqlite3"))
        #expect(SQLiteVersionNotice.message(version: "3.40.1", dataDirectory: directory.url) == nil)
        #expect(SQLiteVersionNotice.message(version: "3.45.0", dataDirectory: directory.url) != nil)
    }
}
