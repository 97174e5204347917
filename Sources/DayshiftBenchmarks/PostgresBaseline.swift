import Foundation
import Logging
import PostgresNIO
import Store

/// Raw PostgreSQL write transactions through postgres-nio, on the server Dayshift is measured
/// on: the floor a durable intake or journal sits on there (the PostgreSQL twin of
/// ``SQLiteBaseline``, writing the same ``BaselineRows``).
///
/// - `insert`: `--batch` rows of `--row-bytes` (a delivery-sized `bytea`) per transaction
///   (`BEGIN`, one `INSERT` per row, `COMMIT`), on each of `--connections` connections at once.
/// - `update`: one small-row `UPDATE` per transaction (what a journal step commit writes).
///
/// Each connection writes for 0.5 s before the measured `--seconds` (caches and the WAL's
/// current segment warm, as in a server that has been running). The server's own settings hold
/// (`synchronous_commit=on`, `fsync=on` on the throw-away cluster: every `COMMIT` waits for its
/// WAL flush); `--synchronous-commit off` is for comparison only. The tables
/// (`bench_baseline_deliveries`, `bench_baseline_steps`) are created fresh and dropped after.
enum PostgresBaseline {
    static func main(_ arguments: Arguments) async throws {
        let url = try arguments.string("url")
        let kind = try arguments.string("kind", default: "insert")
        let seconds = try arguments.double("seconds", default: 3)
        let batch = try arguments.int("batch", default: 1)
        let connections = try arguments.int("connections", default: 1)
        let rowBytes = try arguments.int("row-bytes", default: 12 * 1024)
        let synchronousCommit = try arguments.string("synchronous-commit", default: "on")
        let result = try await run(url: url, kind: kind, seconds: seconds, batch: batch, connections: connections, rowBytes: rowBytes,
                                   synchronousCommit: synchronousCommit)
        var output: [String: Any] = [
            "kind": kind, "batch": batch, "connections": connections, "row_bytes": rowBytes,
            "synchronous_commit": synchronousCommit, "server_version": result.serverVersion,
        ]
        output.merge(result.measured.fields()) { $1 }
        try emit(output)
    }

    /// Measures raw write transactions on the server at `url` (a `store.url`, TLS off).
    /// - Throws: ``BenchmarkError`` for an unusable URL or kind; `PSQLError` from the server.
    static func run(url: String, kind: String, seconds: Double, batch: Int = 1, connections: Int = 1, rowBytes: Int = 12 * 1024,
                    synchronousCommit: String = "on") async throws -> (measured: BaselineResult, serverVersion: String) {
        guard kind == "insert" || kind == "update" else { throw BenchmarkError("--kind: insert or update, not \(kind)") }
        guard connections >= 1, batch >= 1 else { throw BenchmarkError("--connections and --batch: at least 1") }
        guard synchronousCommit == "on" || synchronousCommit == "off" else { throw BenchmarkError("--synchronous-commit: on or off") }
        let configuration = try connectionConfiguration(url)
        let logger = { var logger = Logger(label: "bench.postgres-baseline"); logger.logLevel = .error; return logger }()
        let rows = BaselineRows(rowBytes: rowBytes)
        let payload = Data(rows.payload)

        let setup = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        let serverVersion: String
        do {
            serverVersion = try await setup.query("SHOW server_version", logger: logger).collect().first?.decode(String.self) ?? "?"
            try await setup.query("DROP TABLE IF EXISTS bench_baseline_deliveries, bench_baseline_steps", logger: logger)
            try await setup.query("CREATE TABLE bench_baseline_deliveries (guid text PRIMARY KEY, payload bytea NOT NULL)", logger: logger)
            try await setup.query("CREATE TABLE bench_baseline_steps (id bigint PRIMARY KEY, status text NOT NULL, endedAt text)", logger: logger)
            for id in 0..<connections {
                try await setup.query("INSERT INTO bench_baseline_steps (id, status) VALUES (\(id), 'pending')", logger: logger)
            }
        } catch {
            try? await setup.close()
            throw error
        }

        var opened: [PostgresConnection] = []
        do {
            for id in 1...connections {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
                opened.append(connection)
                try await connection.query(PostgresQuery(unsafeSQL: "SET synchronous_commit = \(synchronousCommit)"), logger: logger)
            }
            let warmUp = monotonicNanos()
            let start = warmUp + 500_000_000
            let end = start + UInt64(seconds * 1e9)
            let results = try await withThrowingTaskGroup(of: (latencies: [Double], rows: Int).self) { group in
                for (index, connection) in opened.enumerated() {
                    group.addTask {
                        try await transactions(on: connection, kind: kind, batch: batch, rows: rows, payload: payload, stepID: index,
                                               from: start, until: end, logger: logger)
                    }
                }
                var all: [(latencies: [Double], rows: Int)] = []
                for try await result in group { all.append(result) }
                return all
            }
            let finished = monotonicNanos()
            try await setup.query("DROP TABLE IF EXISTS bench_baseline_deliveries, bench_baseline_steps", logger: logger)
            for connection in opened { try? await connection.close() }
            try? await setup.close()
            let latencies = results.flatMap(\.latencies)
            let measured = BaselineResult(transactions: latencies.count, rows: results.map(\.rows).reduce(0, +),
                                          seconds: Double(finished - start) / 1e9, latencies: Samples(latencies))
            return (measured, String(serverVersion.prefix { !$0.isWhitespace }))
        } catch {
            for connection in opened { try? await connection.close() }
            try? await setup.close()
            throw error
        }
    }

    /// One connection's loop: write transactions until `end` (monotonic ns); the latencies (ms) and
    /// rows of those begun at `from` or later.
    private static func transactions(on connection: PostgresConnection, kind: String, batch: Int, rows: BaselineRows, payload: Data,
                                     stepID: Int, from: UInt64, until end: UInt64, logger: Logger) async throws -> (latencies: [Double], rows: Int) {
        var latencies: [Double] = []
        var written = 0
        var index = 0
        var now = monotonicNanos()
        while now < end {
            let began = now
            try await connection.query("BEGIN", logger: logger)
            if kind == "update" {
                try await connection.query("""
                    UPDATE bench_baseline_steps SET status = \(BaselineRows.stepStatus(index)), endedAt = \(BaselineRows.stepEndedAt(index))
                    WHERE id = \(stepID)
                    """, logger: logger)
            } else {
                for _ in 0..<batch {
                    try await connection.query("INSERT INTO bench_baseline_deliveries (guid, payload) VALUES (\(rows.guid()), \(payload))",
                                               logger: logger)
                }
            }
            try await connection.query("COMMIT", logger: logger)
            index += 1
            now = monotonicNanos()
            if began >= from {
                latencies.append(Double(now - began) / 1e6)
                written += kind == "update" ? 1 : batch
            }
        }
        return (latencies, written)
    }

    /// A connection configuration for a `store.url` (`postgres://USER@HOST:PORT/DATABASE`, TLS off:
    /// the throw-away cluster listens on loopback only).
    private static func connectionConfiguration(_ url: String) throws -> PostgresConnection.Configuration {
        let settings = try PostgresConnectionSettings.parse(url: url, password: ProcessInfo.processInfo.environment["DAYSHIFT_STORE_PASSWORD"])
        guard settings.tls == .disable || settings.socketDirectory != nil else {
            throw BenchmarkError("--url: the baseline connects without TLS; add ?sslmode=disable (Dayshift is given the same URL)")
        }
        if let directory = settings.socketDirectory {
            return .init(unixSocketPath: "\(directory)/.s.PGSQL.\(settings.port)", username: settings.username,
                         password: settings.password, database: settings.database)
        }
        return .init(host: settings.host ?? "127.0.0.1", port: settings.port, username: settings.username,
                     password: settings.password, database: settings.database, tls: .disable)
    }
}
