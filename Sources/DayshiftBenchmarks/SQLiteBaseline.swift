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
            "kind": kind, "batch": batch, "synchronous": synchronous, "row_bytes": rowBytes, "sqlite_version": RawSQLite.libraryVersion,
        ]
        output.merge(result.fields()) { $1 }
        try emit(output)
    }

    static func run(directory: String, kind: String, seconds: Double, batch: Int = 1, rowBytes: Int = 12 * 1024,
                    maxTransactions: Int = .max, synchronous: String = "FULL") throws -> BaselineResult {
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
        let rows = BaselineRows(rowBytes: rowBytes)
        let insert = try database.prepare("INSERT INTO deliveries (guid, payload) VALUES (?, ?)")
        let update = try database.prepare("UPDATE steps SET status = ?, endedAt = ? WHERE id = 1")
        // Warm-up: until the WAL has wrapped once (1,000 pages, SQLite's auto-checkpoint), so that
        // the measured commits overwrite WAL blocks as a long-running server's do instead of growing
        // a new file. Done with `synchronous=OFF` (quick), then the level under test is set.
        try database.execute("PRAGMA synchronous = OFF")
        for index in 0..<1_100 {
            try database.execute("BEGIN IMMEDIATE")
            update.bind(1, text: BaselineRows.stepStatus(index))
            update.bind(2, text: BaselineRows.stepEndedAt(index))
            try update.step()
            update.reset()
            try database.execute("COMMIT")
        }
        try database.execute("PRAGMA synchronous = \(synchronous)")
        var latencies: [Double] = []
        latencies.reserveCapacity(100_000)
        var written = 0
        let start = monotonicNanos()
        let end = start + UInt64(seconds * 1e9)
        var now = start
        while now < end, latencies.count < maxTransactions {
            let began = now
            try database.execute("BEGIN IMMEDIATE")
            if kind == "update" {
                update.bind(1, text: BaselineRows.stepStatus(latencies.count))
                update.bind(2, text: BaselineRows.stepEndedAt(latencies.count))
                try update.step()
                update.reset()
                written += 1
            } else {
                for _ in 0..<batch {
                    insert.bind(1, text: rows.guid())
                    insert.bind(2, blob: rows.payload)
                    try insert.step()
                    insert.reset()
                    written += 1
                }
            }
            try database.execute("COMMIT")
            now = monotonicNanos()
            latencies.append(Double(now - began) / 1e6)
        }
        return BaselineResult(transactions: latencies.count, rows: written, seconds: Double(now - start) / 1e9, latencies: Samples(latencies))
    }
}
