import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL backend (postgres-nio), for several replicas on one database.
///
/// Transactions run at READ COMMITTED. A write under an issue object's lease reads the lease row
/// `FOR SHARE` first, so a newer activation (which updates that row) waits for it and a write under
/// a superseded lease fails with ``StoreError/leaseLost(issueKey:epoch:)``. Operations that must
/// see one consistent picture across replicas (admitting queued runs) take a transaction-scoped
/// advisory lock (``AdvisoryLock``).
final class PostgresStore: StoreBackend {
    let client: PostgresClient
    let logger: Logger
    let serverVersion: String
    /// Where the server is, for connections outside the pool (a serving claim).
    let settings: PostgresConnectionSettings
    private let running: Task<Void, Never>
    var engine: String { "postgresql \(serverVersion)" }

    private init(client: PostgresClient, running: Task<Void, Never>, logger: Logger, serverVersion: String, settings: PostgresConnectionSettings) {
        self.settings = settings
        self.client = client
        self.running = running
        self.logger = logger
        self.serverVersion = serverVersion
    }

    /// Connects, checks the server answers, and applies the migrations it lacks (one replica at a
    /// time: the migrations run under an advisory lock).
    /// - Throws: `PSQLError` when the server cannot be reached, refuses the login, or a migration fails.
    static func open(_ settings: PostgresConnectionSettings, logger: Logger) async throws -> PostgresStore {
        // First contact on one connection of its own: an unreachable server or a refused login
        // fails here within the connect timeout (the pool would keep retrying in the background).
        let version = try await firstContact(settings, logger: logger)
        // The pool's own log at error level: its one warning is "run() hasn't been called yet",
        // printed when the first lease wins the race against the task that calls `run()`.
        var poolLogger = logger
        poolLogger.logLevel = .error
        let client = PostgresClient(configuration: try configuration(settings), backgroundLogger: poolLogger)
        let running = Task { await client.run() }
        do {
            let store = PostgresStore(client: client, running: running, logger: logger, serverVersion: version, settings: settings)
            try await PostgresMigrations.migrate(store)
            return store
        } catch {
            running.cancel()
            throw error
        }
    }

    /// Connects once, reads the server's version (e.g. `15.18`) and disconnects.
    private static func firstContact(_ settings: PostgresConnectionSettings, logger: Logger) async throws -> String {
        try await withSingleConnection(settings, logger: logger) { connection in
            let version = try await connection.value("SHOW server_version", as: String.self, logger: logger) ?? "?"
            return String(version.prefix { !$0.isWhitespace })
        }
    }

    /// Reads the schema as found, creating and migrating nothing (`dayshift doctor`).
    static func inspect(_ settings: PostgresConnectionSettings, logger: Logger) async throws -> SchemaStatus {
        try await withSingleConnection(settings, logger: logger) { connection in
            let exists = try await connection.value("SELECT to_regclass('dayshift_migrations') IS NOT NULL", as: Bool.self, logger: logger) ?? false
            let applied = exists ? try await PostgresMigrations.applied(connection, logger: logger) : []
            return SchemaStatus(applied: applied, pending: PostgresMigrations.names.filter { !applied.contains($0) })
        }
    }

    /// Runs `body` on one connection of its own (not the pool's), closed after.
    private static func withSingleConnection<T: Sendable>(_ settings: PostgresConnectionSettings, logger: Logger,
                                                          _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await connectAlone(settings, logger: logger)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// What `pg_stat_activity.application_name` shows for this process's sessions: `dayshift host:pid`.
    static let applicationName = "dayshift \(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"

    /// Opens one connection of its own (not the pool's), within the connect timeout (5 s).
    static func connectAlone(_ settings: PostgresConnectionSettings, logger: Logger) async throws -> PostgresConnection {
        var configuration: PostgresConnection.Configuration
        if let directory = settings.socketDirectory {
            configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(settings.port)", username: settings.username,
                                  password: settings.password, database: settings.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS = switch settings.tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            configuration = .init(host: settings.host ?? "localhost", port: settings.port, username: settings.username,
                                  password: settings.password, database: settings.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
    }

    private static func configuration(_ settings: PostgresConnectionSettings) throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let directory = settings.socketDirectory {
            configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(settings.port)", username: settings.username,
                                  password: settings.password, database: settings.database)
        } else {
            let tls: PostgresClient.Configuration.TLS = switch settings.tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
            configuration = .init(host: settings.host ?? "localhost", port: settings.port, username: settings.username,
                                  password: settings.password, database: settings.database, tls: tls)
        }
        configuration.options.maximumConnections = settings.maximumConnections
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    func close() async {
        running.cancel()
        _ = await running.value
    }

    func settings() async throws -> StoreSettings {
        try await read { connection in
            let commit = try await connection.query("SHOW synchronous_commit", logger: self.logger).collect().first?.decode(String.self) ?? "?"
            let fsync = try await connection.query("SHOW fsync", logger: self.logger).collect().first?.decode(String.self) ?? "?"
            // synchronous_commit=on with fsync=on is PostgreSQL's equivalent of SQLite's FULL (2).
            let level = commit == "on" && fsync == "on" ? 2 : commit == "off" || fsync == "off" ? 0 : 1
            return StoreSettings(writerSynchronous: level, readerSynchronous: level, journalMode: "wal (synchronous_commit=\(commit), fsync=\(fsync))")
        }
    }

    // MARK: transactions

    /// Runs `body` on one connection, outside a transaction (each statement commits by itself).
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in try await body(connection) }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    /// - Throws: what `body` threw (e.g. ``StoreError/leaseLost(issueKey:epoch:)``, a `PSQLError`)
    ///   once the rollback went through; PostgresNIO's `PostgresTransactionError` when the
    ///   transaction could not begin, commit or roll back.
    func write<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            // PostgresNIO wraps the body's own error; callers ask for that one (a lost lease).
            if let closureError = error.closureError, error.rollbackError == nil { throw closureError }
            throw error
        }
    }

    /// Runs `updates` in one transaction after checking that `lease` is still current (the lease
    /// row is read `FOR SHARE`: an activation waits until this transaction ends).
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)`` when a newer activation exists.
    @discardableResult
    func write<T: Sendable>(holding lease: IssueLease, _ updates: (PostgresConnection) async throws -> T) async throws -> T {
        try await write { connection in
            let current = try await connection.query("SELECT epoch FROM issue_objects WHERE issueKey = \(lease.issueKey) FOR SHARE",
                                                     logger: self.logger).collect().first?.decode(Int64.self)
            guard current == lease.epoch else { throw StoreError.leaseLost(issueKey: lease.issueKey, epoch: lease.epoch) }
            return try await updates(connection)
        }
    }
}

/// Transaction-scoped advisory locks (`pg_advisory_xact_lock`): released at commit or rollback.
enum AdvisoryLock: Int64 {
    /// Migrations, so two replicas starting together do not both apply one.
    case migrations = 0x6461_7973_0001
    /// Slot admission: counting the slots held and giving free ones is one decision across replicas.
    case runQueue = 0x6461_7973_0002
    /// The sandbox reaper's sweep (a session lock, held for the sweep): one replica sweeps at a time.
    case sandboxReaper = 0x6461_7973_0003
    /// Servers using the database: each replica holds it shared, a `store.single_replica` server
    /// exclusively (a session lock on a connection of its own, held while it serves).
    case servers = 0x6461_7973_0004

    /// Waits for the lock inside the current transaction.
    func take(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(\(rawValue))", logger: logger)
    }
}

extension PostgresConnection {
    /// Runs `query` and returns its rows (for statements whose result is small).
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }

    /// Runs `query` and decodes its first row's first column, if any row came back.
    func value<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type, logger: Logger) async throws -> T? {
        try await self.query(query, logger: logger).collect().first?.decode(T.self)
    }

    /// Runs `query` and decodes the first column of every row.
    func values<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type, logger: Logger) async throws -> [T] {
        try await self.query(query, logger: logger).collect().map { try $0.decode(T.self) }
    }

    /// Runs `query` for its effect, discarding any rows.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }
}

extension Store {
    /// Connects to PostgreSQL (`store.url`), applies the migrations it lacks, and returns a store
    /// several Dayshift replicas can share. Close it with ``close()``.
    /// - Throws: PostgresNIO's `PSQLError` when the server cannot be reached or refuses the login,
    ///   or a migration fails.
    public static func postgres(_ settings: PostgresConnectionSettings, logger: Logger) async throws -> Store {
        Store(backend: try await PostgresStore.open(settings, logger: logger))
    }

    /// Reads a PostgreSQL database's schema without changing it (one connection, closed after).
    /// - Throws: PostgresNIO's `PSQLError` when the server cannot be reached or refuses the login.
    public static func inspect(postgres settings: PostgresConnectionSettings, logger: Logger) async throws -> SchemaStatus {
        try await PostgresStore.inspect(settings, logger: logger)
    }
}

