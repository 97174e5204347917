import Foundation
import Synchronization

/// `llm.max_requests_per_minute`: at most `limit` calls per run in any 60 seconds (a sliding
/// window, in memory: a restart forgives the last minute). `limit` 0 means unlimited.
final class RunRateLimiter: Sendable {
    private let limit: Int
    private let calls = Mutex<[Int64: [Date]]>([:])

    init(limit: Int) { self.limit = limit }

    /// Counts a call for `runID` and says whether it is allowed; a refused call is not counted.
    func admit(runID: Int64, at now: Date = Date()) -> Bool {
        guard limit > 0 else { return true }
        return calls.withLock { calls in
            let horizon = now.addingTimeInterval(-60)
            // Forget runs that have been quiet for a minute, so the table stays small.
            calls = calls.filter { $0.value.last.map { $0 > horizon } ?? false }
            var recent = (calls[runID] ?? []).filter { $0 > horizon }
            guard recent.count < limit else {
                calls[runID] = recent
                return false
            }
            recent.append(now)
            calls[runID] = recent
            return true
        }
    }

    /// Calls in flight per run, and the request bytes they hold, so that concurrent calls cannot
    /// overshoot `llm.max_bytes_per_run` or pile request bodies up in the server's memory.
    private let inFlight = Mutex<[Int64: (calls: Int, bytes: Int)]>([:])

    /// Most calls one run may have in flight at once.
    static let maxConcurrentCalls = 4

    /// Starts a call of `bytes` request bytes for `runID`.
    /// - Returns: the bytes this run's calls in flight hold, this one included; `nil` when the run
    ///   already has ``maxConcurrentCalls`` in flight (the call is then not counted).
    func begin(runID: Int64, bytes: Int) -> Int? {
        inFlight.withLock { table in
            let current = table[runID] ?? (0, 0)
            guard current.calls < Self.maxConcurrentCalls else { return nil }
            table[runID] = (current.calls + 1, current.bytes + bytes)
            return current.bytes + bytes
        }
    }

    /// Ends a call started with ``begin(runID:bytes:)``.
    func end(runID: Int64, bytes: Int) {
        inFlight.withLock { table in
            guard let current = table[runID] else { return }
            table[runID] = current.calls <= 1 ? nil : (current.calls - 1, max(0, current.bytes - bytes))
        }
    }
}
