import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Monotonic nanoseconds.
@inline(__always) func monotonicNanos() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Sleeps until a `monotonicNanos()` instant (no-op when it has passed).
func sleepUntil(nanos deadline: UInt64) {
    var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
}

/// A sample of values (milliseconds unless said otherwise) and its nearest-rank percentiles.
struct Samples {
    private(set) var sorted: [Double]

    init(_ values: [Double]) { sorted = values.sorted() }

    var count: Int { sorted.count }
    var mean: Double { sorted.isEmpty ? .nan : sorted.reduce(0, +) / Double(sorted.count) }
    var max: Double { sorted.last ?? .nan }

    /// Nearest-rank percentile, `p` in 0…100.
    func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank - 1))]
    }

    /// p50, p90, p99, p99.9, mean, max and count, as JSON fields with `prefix`.
    func summary(_ prefix: String) -> [String: Any] {
        [
            "\(prefix)_count": count, "\(prefix)_mean": round3(mean), "\(prefix)_p50": round3(percentile(50)),
            "\(prefix)_p90": round3(percentile(90)), "\(prefix)_p99": round3(percentile(99)),
            "\(prefix)_p999": round3(percentile(99.9)), "\(prefix)_max": round3(max),
        ]
    }
}

func round3(_ value: Double) -> Double { value.isFinite ? (value * 1000).rounded() / 1000 : -1 }

/// `VmRSS`, `VmHWM` … of this process (or `pid`) from /proc, in kB.
func procStatus(_ field: String, pid: Int32? = nil) -> Int {
    let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return -1 }
    for line in text.split(separator: "\n") where line.hasPrefix("\(field):") {
        let digits = line.dropFirst(field.count + 1).filter(\.isNumber)
        return Int(digits) ?? -1
    }
    return -1
}

/// GRDB stores `Date` as `yyyy-MM-dd HH:mm:ss.SSS` in UTC (millisecond resolution).
private let databaseDateFormatter: DateFormatter = {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
    return formatter
}()

/// Parses a date as GRDB stores it (call from one thread at a time).
func parseDatabaseDate(_ text: String) -> Date? { databaseDateFormatter.date(from: text) }

/// The same text format, for rows the benchmarks write themselves.
func databaseDateText(_ date: Date) -> String { databaseDateFormatter.string(from: date) }
