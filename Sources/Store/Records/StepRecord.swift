import DayshiftConfig
import DayshiftCore
import Foundation
import GRDB

/// One step of a run's journal (table `run_steps`), committed before the next step starts.
public struct StepRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "run_steps"

    public enum Status: String, Codable, Sendable {
        case pending, running, succeeded, failed, skipped
        /// True when the step will not run again.
        public var isDone: Bool { self == .succeeded || self == .failed || self == .skipped }
    }

    public var runId: Int64
    public var name: StepName
    /// Order within the run, from 0.
    public var position: Int
    public var status: Status
    /// How many times the step has been started (a crash mid-step makes the next start attempt 2).
    public var attempt: Int
    public var startedAt: Date?
    public var endedAt: Date?
    /// JSON of the step's result (see `IssueObjects.StepOutput`).
    public var result: Data?
    /// Why the step failed, in words.
    public var error: String?

    public init(runId: Int64, name: StepName, position: Int) {
        self.runId = runId
        self.name = name
        self.position = position
        self.status = .pending
        self.attempt = 0
    }

    /// Seconds between start and end, when both are known.
    public var durationSeconds: Double? {
        guard let startedAt, let endedAt else { return nil }
        return endedAt.timeIntervalSince(startedAt)
    }
}
