import Foundation
import Logging
import Store
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `dayshift migrate`: the real binary.
@Suite("dayshift migrate")
struct MigrateCommandTests {
    @Test("applies every migration to a new data_dir and prints the schema version")
    func migrates() async throws {
        let directory = try TestDirectory("migrate")
        defer { directory.remove() }
        let data = directory.url.appendingPathComponent("data")
        let result = try await DayshiftCommand.run(["migrate"], environment: ["DAYSHIFT_DATA_DIR": data.path], in: directory)
        #expect(result.status == 0, "\(result.errors)")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let migrations = try await Store(directory: data, logger: logger).appliedMigrations()
        #expect(migrations.count >= 3)
        #expect(result.output == "schema version \(migrations.count) (\(migrations.last ?? ""))\n")
        #expect(try ServeCommandTests.mode(data) == 0o700)
        // Again: nothing left to apply, same version.
        #expect(try await DayshiftCommand.run(["migrate"], environment: ["DAYSHIFT_DATA_DIR": data.path], in: directory).output == result.output)
    }

    @Test("is refused in one line while a server holds the data directory")
    func refusedWhileServing() async throws {
        let directory = try TestDirectory("migrate")
        defer { directory.remove() }
        // What a running server holds: an exclusive flock on dayshift.lock.
        let descriptor = open(directory.url.appendingPathComponent("dayshift.lock").path, O_RDWR | O_CREAT, 0o600)
        try #require(descriptor >= 0 && flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        defer { close(descriptor) }
        let result = try await DayshiftCommand.run(["migrate"], environment: ["DAYSHIFT_DATA_DIR": directory.path], in: directory)
        #expect(result.status == 2)
        #expect(result.errors.split(separator: "\n").count == 1)
        #expect(result.errors.contains("another Dayshift process is using"))
    }
}
