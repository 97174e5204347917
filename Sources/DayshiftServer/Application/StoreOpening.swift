import DayshiftConfig
import Foundation
import Logging
import Sandboxes
import Store

/// Opens the store the configuration names: SQLite in `data_dir` (default), or PostgreSQL at
/// `store.url`.
public enum StoreOpening {
    /// Opens and migrates the store.
    /// - Parameter forServing: whether a server will run on it (`dayshift migrate` passes false:
    ///   migrating is safe whoever else uses the database).
    /// - Throws: ``DayshiftConfig/ConfigurationError`` naming `data_dir` when the SQLite file cannot
    ///   be opened; `store.url` when the URL is unusable or the server cannot be reached or refuses
    ///   the login (the text names host, port and database, never the password); `store.single_replica`
    ///   when replicas could share the database while sandboxes come from the local runner (its
    ///   sandboxes live on one machine's disk).
    public static func open(_ configuration: DayshiftConfiguration, logger: Logger, forServing: Bool = true) async throws -> Store {
        guard configuration.store.isShared else { return try openSQLite(configuration, logger: logger) }
        let settings: PostgresConnectionSettings
        do {
            settings = try PostgresConnectionSettings.parse(url: configuration.store.url,
                                                            password: configuration.store.password.isEmpty ? nil : configuration.store.password)
        } catch {
            throw ConfigurationError(key: "store.url", problem: "\(error)")
        }
        if forServing, let refusal = localRunnerRefusal(configuration) { throw refusal }
        do {
            return try await Store.postgres(settings, logger: logger)
        } catch {
            let target = settings.socketDirectory.map { "socket \($0)" } ?? "\(settings.host ?? "?"):\(settings.port)"
            throw ConfigurationError(key: "store.url", problem: "cannot open PostgreSQL database \(settings.database) at \(target) as \(settings.username) "
                + "(\(detail(error, password: configuration.store.password)))")
        }
    }

    /// Why replicas sharing the store cannot use these sandboxes: the local runner keeps its
    /// sandboxes on one machine's disk. Nil when the store is not shared or sandboxes are remote.
    static func localRunnerRefusal(_ configuration: DayshiftConfiguration) -> ConfigurationError? {
        guard configuration.store.replicasMayShareIt, configuration.sandbox.provider == "local" else { return nil }
        return ConfigurationError(key: "store.single_replica", problem:
            "the local sandbox runner keeps its sandboxes on this machine's disk, so replicas sharing this PostgreSQL "
                + "database could not resume each other's runs: use sandbox.provider: daytona, or set "
                + "store.single_replica: true if only this server uses the database")
    }

    /// Opens the SQLite store in `data_dir` (created 0700 when missing).
    /// - Throws: ``DayshiftConfig/ConfigurationError`` for `data_dir`, also when another Dayshift
    ///   process holds the directory's lock (a server running on it).
    public static func openSQLite(_ configuration: DayshiftConfiguration, logger: Logger) throws -> Store {
        let dataDirectory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        try DataDirectory.prepare(dataDirectory)
        // A server already running on this directory keeps its database to itself: this process is
        // refused before it opens the file (and would migrate it under that server, were it a newer
        // version). The lock is held for good once the server runs (``DayshiftApplication/run()``).
        try DataDirectoryLock(directory: configuration.dataDirectory).release()
        try DataDirectory.prepareDatabaseFile(in: dataDirectory)
        do {
            return try Store(directory: dataDirectory, logger: logger)
        } catch {
            throw ConfigurationError(key: "data_dir", problem: "cannot open the database in \(dataDirectory.path) (\(reason(error)))")
        }
    }

    /// What PostgreSQL said (``Store/explain(postgresError:)``), or else the error's reflection; the
    /// password is removed from it, in any encoding, and it is cut to one short line.
    static func detail(_ error: any Error, password: String) -> String {
        let text = GitCredentialEnvironment.redact(Store.explain(postgresError: error) ?? String(reflecting: error), secrets: [password])
        return String(text.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(300))
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}
