import Foundation

/// The rows both raw-database baselines (``SQLiteBaseline``, ``PostgresBaseline``) write, so the
/// two engines are measured on the same data: a delivery-sized payload under a fresh GUID per
/// `insert`, and one small journal-step row flipped between two statuses per `update`.
struct BaselineRows {
    /// The payload every inserted row carries: `bytes` printable ASCII bytes, random once per run.
    let payload: [UInt8]

    init(rowBytes: Int) {
        var generator = SystemRandomNumberGenerator()
        payload = (0..<rowBytes).map { _ in UInt8.random(in: 32...126, using: &generator) }
    }

    /// A new delivery GUID (the primary key of an inserted row).
    func guid() -> String { UUID().uuidString }

    /// The status the `index`th step update writes (alternating, so every update changes the row).
    static func stepStatus(_ index: Int) -> String { index % 2 == 0 ? "running" : "succeeded" }

    /// The `endedAt` text the `index`th step update writes.
    static func stepEndedAt(_ index: Int) -> String { "2026-01-01 00:00:00.\(index % 1000)" }
}

/// What one raw-database baseline measured: write transactions (one latency sample each, ms)
/// and the rows they wrote.
struct BaselineResult {
    var transactions: Int
    var rows: Int
    var seconds: Double
    var latencies: Samples
    var transactionsPerSecond: Double { Double(transactions) / seconds }
    var rowsPerSecond: Double { Double(rows) / seconds }

    /// The JSON fields every baseline subcommand prints, beside its own settings.
    func fields() -> [String: Any] {
        var output: [String: Any] = [
            "seconds": round3(seconds), "transactions": transactions, "rows": rows,
            "transactions_per_second": round3(transactionsPerSecond), "rows_per_second": round3(rowsPerSecond),
        ]
        output.merge(latencies.summary("latency_ms")) { $1 }
        return output
    }
}
