import DayshiftCore
import Foundation
import Store

/// Waits until `condition` holds, polling every 50 ms.
/// - Throws: ``HarnessError`` naming `what` after `timeoutSeconds`; what `condition` throws.
func waitUntil(_ what: String, timeoutSeconds: Double = 30, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw HarnessError("timed out waiting for \(what)")
}

extension Store {
    /// Waits until the latest run of every issue (`numbers`, named by `key`) reached a final status.
    /// - Returns: those runs, by issue number.
    /// - Throws: ``HarnessError`` after `timeoutSeconds`, naming `logs` (where to look).
    func finishedRuns(_ numbers: [Int], key: (Int) -> String, timeoutSeconds: Double, logs: String) async throws -> [Int: Run] {
        var finished: [Int: Run] = [:]
        do {
            try await waitUntil("finished runs", timeoutSeconds: timeoutSeconds) {
                finished = [:]
                for number in numbers {
                    if let run = try await latestRun(issueKey: key(number)), run.status.isFinal { finished[number] = run }
                }
                return finished.count == numbers.count
            }
        } catch is HarnessError {
            throw HarnessError("runs not finished within \(timeoutSeconds) s (\(finished.count) of \(numbers.count)); logs: \(logs)")
        }
        return finished
    }
}
