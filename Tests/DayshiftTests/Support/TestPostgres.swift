import Foundation
import Logging
import PostgresNIO
import Store
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif
import Testing

/// The PostgreSQL server the tests use: `DAYSHIFT_TEST_POSTGRES_URL` when set (CI starts one with
/// `scripts/test-postgres`), else a throw-away cluster this test process starts with that script
/// and stops when it exits. A test that needs PostgreSQL is cancelled with the reason when no
/// server can be had, unless `DAYSHIFT_TEST_POSTGRES_REQUIRED=1` (CI), where it fails instead.
actor TestPostgres {
    static let shared = TestPostgres()
    /// Started once: tests asking while it starts wait for the same start (the actor is reentrant).
    private var server: Task<Result<PostgresConnectionSettings, TestPostgresUnavailable>, Never>?
    private var databases = 0
    private let logger = Logger(label: "test.postgres")

    /// Settings for a new, empty database (`t_<pid>_<n>`) on the server.
    /// - Throws: ``TestPostgresUnavailable`` when no server could be started; `PSQLError`.
    func freshDatabase() async throws -> PostgresConnectionSettings {
        let server = try await self.server(settings: ())
        databases += 1
        let name = "t_\(ProcessInfo.processInfo.processIdentifier)_\(databases)"
        let connection = try await PostgresConnection.connect(
            configuration: .init(host: server.host ?? "127.0.0.1", port: server.port, username: server.username, password: nil,
                                 database: server.database, tls: .disable),
            id: databases, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        var settings = server
        settings.database = name
        settings.maximumConnections = 4
        return settings
    }

    /// Runs `sql` on the server as its superuser, in its maintenance database (e.g. to end
    /// another client's sessions with `pg_terminate_backend`).
    func execute(_ sql: String) async throws {
        let server = try await self.server(settings: ())
        let connection = try await PostgresConnection.connect(
            configuration: .init(host: server.host ?? "127.0.0.1", port: server.port, username: server.username, password: nil,
                                 database: server.database, tls: .disable),
            id: 0, logger: logger)
        do {
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    private func server(settings: Void) async throws -> PostgresConnectionSettings {
        let start = server ?? Task { await Self.start() }
        server = start
        return try await start.value.get()
    }

    private static func start() async -> Result<PostgresConnectionSettings, TestPostgresUnavailable> {
        if let url = ProcessInfo.processInfo.environment["DAYSHIFT_TEST_POSTGRES_URL"], !url.isEmpty {
            return Result { try PostgresConnectionSettings.parse(url: url, password: nil) }
                .mapError { TestPostgresUnavailable(reason: "DAYSHIFT_TEST_POSTGRES_URL: \($0)") }
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-test-pg-\(ProcessInfo.processInfo.processIdentifier)")
        let script = RepositoryRoot.url.appendingPathComponent("scripts/test-postgres").path
        // Run through swift-subprocess, which waits for this one process (Foundation's `Process`
        // never reported the end of a script whose daemon grandchild outlives it); the URL is read
        // from the file the script writes.
        let status: TerminationStatus
        let errors: String
        do {
            let outcome = try await Subprocess.run(.path(FilePath(script)), arguments: ["start", directory.path, String(ProcessInfo.processInfo.processIdentifier)],
                                               output: .discarded, error: .string(limit: 8192))
            (status, errors) = (outcome.terminationStatus, outcome.standardError)
        } catch {
            return .failure(TestPostgresUnavailable(reason: "cannot run \(script): \(error)"))
        }
        guard status.isSuccess,
              let url = try? String(contentsOf: directory.appendingPathComponent("url"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) else {
            return .failure(TestPostgresUnavailable(reason: "scripts/test-postgres start failed: \(errors.suffix(600))"))
        }
        return Result { try PostgresConnectionSettings.parse(url: url, password: nil) }
            .mapError { TestPostgresUnavailable(reason: "scripts/test-postgres printed \(url): \($0)") }
    }
}

/// No PostgreSQL server could be had for the tests.
struct TestPostgresUnavailable: Error, CustomStringConvertible {
    var reason: String
    var description: String { "PostgreSQL is unavailable for the tests: \(reason)" }
}

/// The database engines the Store's tests run on.
enum StoreEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// Runs `body` with a new, empty store on `engine` (SQLite in memory; PostgreSQL on a fresh
/// database of ``TestPostgres``), and closes it after.
/// - Throws: what `body` throws; cancels the test when PostgreSQL is unavailable (fails it when
///   `DAYSHIFT_TEST_POSTGRES_REQUIRED=1`).
func withStore<T>(_ engine: StoreEngine, _ body: (Store) async throws -> T) async throws -> T {
    let store = try await makeStore(engine)
    do {
        let result = try await body(store)
        await store.close()
        return result
    } catch {
        await store.close()
        throw error
    }
}

extension TestPostgres {
    /// A `store.url` naming a new, empty database (no password, TLS off).
    /// - Throws: cancels the test when PostgreSQL is unavailable (fails it when `DAYSHIFT_TEST_POSTGRES_REQUIRED=1`).
    func storeURL() async throws -> String {
        let settings = try await freshDatabaseOrCancel()
        return "postgres://\(settings.username)@\(settings.host ?? "127.0.0.1"):\(settings.port)/\(settings.database)?sslmode=disable"
    }

    /// ``freshDatabase()``, cancelling the test when PostgreSQL is unavailable (failing it when
    /// `DAYSHIFT_TEST_POSTGRES_REQUIRED=1`).
    func freshDatabaseOrCancel() async throws -> PostgresConnectionSettings {
        do {
            return try await freshDatabase()
        } catch let unavailable as TestPostgresUnavailable {
            if ProcessInfo.processInfo.environment["DAYSHIFT_TEST_POSTGRES_REQUIRED"] == "1" { throw unavailable }
            try Test.cancel("\(unavailable)")
        }
    }
}

/// A new, empty store on `engine`; the caller closes it.
func makeStore(_ engine: StoreEngine) async throws -> Store {
    switch engine {
    case .sqlite:
        return try Store.inMemory(logger: Logger(label: "test"))
    case .postgres:
        return try await Store.postgres(try await TestPostgres.shared.freshDatabaseOrCancel(), logger: Logger(label: "test.store"))
    }
}

/// This repository's root directory (its scripts are run from there).
enum RepositoryRoot {
    static let url: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// Runs `body` with two PostgreSQL stores on one fresh database (two replicas), and closes them.
/// - Throws: what `body` throws; cancels the test when PostgreSQL is unavailable (fails it when
///   `DAYSHIFT_TEST_POSTGRES_REQUIRED=1`).
func withReplicas(_ body: (Store, Store) async throws -> Void) async throws {
    let settings = try await TestPostgres.shared.freshDatabaseOrCancel()
    async let first = Store.postgres(settings, logger: Logger(label: "replica.a"))
    async let second = Store.postgres(settings, logger: Logger(label: "replica.b"))
    let (a, b) = try await (first, second)
    do {
        try await body(a, b)
    } catch {
        await a.close()
        await b.close()
        throw error
    }
    await a.close()
    await b.close()
}
