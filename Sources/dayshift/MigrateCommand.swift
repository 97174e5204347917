import ArgumentParser
import DayshiftConfig
import DayshiftServer
import Foundation
import Logging

/// `dayshift migrate`: applies the database migrations and exits.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the database migrations (SQLite in data_dir, or PostgreSQL at store.url) and exit.",
        discussion: """
        Reads the same --config file and DAYSHIFT_* variables as serve (no secrets are needed).
        Prints the schema version (the number of migrations applied) and the newest migration,
        e.g. "schema version 4 (v4: replayed deliveries)".
        On SQLite, refused while a server uses the same data_dir; on PostgreSQL it may run while
        replicas serve (migrations are applied under an advisory lock). serve also migrates at start.
        """
    )

    @Option(help: "YAML configuration file (default: DAYSHIFT_CONFIG, else built-in defaults).")
    var config: String?

    func run() async throws {
        let configuration = try loadConfiguration(file: config)
        let logger = try LoggingSetup.bootstrap(level: nil)
        do {
            let migrations = try await DatabaseMigration.run(configuration, logger: logger)
            print("schema version \(migrations.count) (\(migrations.last ?? "empty"))")
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("dayshift: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
