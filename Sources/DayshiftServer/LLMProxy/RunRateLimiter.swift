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
}
