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
