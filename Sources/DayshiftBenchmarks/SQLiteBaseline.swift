import Foundation

/// Raw SQLite write transactions with Dayshift's settings (WAL, `synchronous=FULL`,
/// `BEGIN IMMEDIATE`): the floor any durable intake or journal on this disk sits on.
///
/// - `insert`: `--batch` rows of `--row-bytes` (a delivery-sized blob) per transaction.
/// - `update`: one small-row UPDATE per transaction (what a journal step commit writes).
///
/// Measured after a warm-up that lets the WAL wrap once, as in a server that has been running.
/// `--synchronous NORMAL` is for comparison: the Store's writer runs at FULL (see `store-pragmas`).
enum SQLiteBaseline {
    struct Result {
        var transactions: Int
        var rows: Int
        var seconds: Double
        var latencies: Samples
        var transactionsPerSecond: Double { Double(transactions) / seconds }
        var rowsPerSecond: Double { Double(rows) / seconds }
    }

    static func main(_ arguments: Arguments) throws {
        let directory = try arguments.string("dir")
        let kind = try arguments.string("kind", default: "insert")
        let seconds = try arguments.double("seconds", default: 3)
        let batch = try arguments.int("batch", default: 1)
        let rowBytes = try arguments.int("row-bytes", default: 12 * 1024)
        let maxTransactions = try arguments.int("transactions", default: Int.max)
        let synchronous = try arguments.string("synchronous", default: "FULL")
        let result = try run(directory: directory, kind: kind, seconds: seconds, batch: batch, rowBytes: rowBytes, maxTransactions: maxTransactions,
                             synchronous: synchronous)
        var output: [String: Any] = [
            "kind": kind, "batch": batch, "synchronous": synchronous, "row_bytes": rowBytes, "seconds": round3(result.seconds),
            "transactions": result.transactions, "rows": result.rows,
            "transactions_per_second": round3(result.transactionsPerSecond), "rows_per_second": round3(result.rowsPerSecond),
            "sqlite_version": RawSQLite.libraryVersion,
        ]
        output.merge(result.latencies.summary("latency_ms")) { $1 }
        try emit(output)
    }

    static func run(directory: String, kind: String, seconds: Double, batch: Int = 1, rowBytes: Int = 12 * 1024,
                    maxTransactions: Int = .max, synchronous: String = "FULL") throws -> Result {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/baseline-\(kind)-\(batch)-\(UUID().uuidString).sqlite"
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let database = try RawSQLite(path: path)
        try database.configureLikeDayshift()
        try database.execute("CREATE TABLE deliveries (guid TEXT PRIMARY KEY, payload BLOB NOT NULL)")
        try database.execute("CREATE TABLE steps (id INTEGER PRIMARY KEY, status TEXT NOT NULL, endedAt TEXT)")
        try database.execute("INSERT INTO steps (id, status) VALUES (1, 'pending')")
        var generator = SystemRandomNumberGenerator()
        let payload = (0..<rowBytes).map { _ in UInt8.random(in: 32...126, using: &generator) }
        let insert = try database.prepare("INSERT INTO deliveries (guid, payload) VALUES (?, ?)")
        let update = try database.prepare("UPDATE steps SET status = ?, endedAt = ? WHERE id = 1")
        // Warm-up: until the WAL has wrapped once (1,000 pages, SQLite's auto-checkpoint), so that
        // the measured commits overwrite WAL blocks as a long-running server's do instead of growing
        // a new file. Done with `synchronous=OFF` (quick), then the level under test is set.
        try database.execute("PRAGMA synchronous = OFF")
        for index in 0..<1_100 {
            try database.execute("BEGIN IMMEDIATE")
            update.bind(1, text: index % 2 == 0 ? "running" : "succeeded")
            update.bind(2, text: "2025-01-01 00:00:00.\(index % 1000)")
            try update.step()
            update.reset()
            try database.execute("COMMIT")
        }
        try database.execute("PRAGMA synchronous = \(synchronous)")
        var latencies: [Double] = []
        latencies.reserveCapacity(100_000)
        var rows = 0
        let start = monotonicNanos()
        let end = start + UInt64(seconds * 1e9)
        var now = start
        while now < end, latencies.count < maxTransactions {
            let began = now
            try database.execute("BEGIN IMMEDIATE")
            if kind == "update" {
                update.bind(1, text: latencies.count % 2 == 0 ? "running" : "succeeded")
                update.bind(2, text: "2026-01-01 00:00:00.\(latencies.count % 1000)")
                try update.step()
                update.reset()
                rows += 1
            } else {
                for _ in 0..<batch {
                    insert.bind(1, text: UUID().uuidString)
                    insert.bind(2, blob: payload)
                    try insert.step()
                    insert.reset()
                    rows += 1
                }
            }
            try database.execute("COMMIT")
            now = monotonicNanos()
            latencies.append(Double(now - began) / 1e6)
        }
        return Result(transactions: latencies.count, rows: rows, seconds: Double(now - start) / 1e9, latencies: Samples(latencies))
    }
}
