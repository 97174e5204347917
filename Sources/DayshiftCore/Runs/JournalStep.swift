import Foundation

/// One step of a run's journal: committed `running` before its effect starts, and its end
/// committed before the next step starts.
public struct JournalStep: Sendable, Equatable {
    public var name: StepName
    /// Order within the run, from 0.
    public var position: Int
    public var status: StepStatus
    /// How many times the step has been started (a crash mid-step makes the next start attempt 2).
    public var attempt: Int
    public var startedAt: Date?
    public var endedAt: Date?
    /// What the step produced, once it succeeded.
    public var result: StepResult?
    /// Why the step failed (or, while `pending` again, why its last attempt failed), in words.
    public var error: String?

    public init(name: StepName, position: Int, status: StepStatus = .pending, attempt: Int = 0, startedAt: Date? = nil, endedAt: Date? = nil,
                result: StepResult? = nil, error: String? = nil) {
        self.name = name
        self.position = position
        self.status = status
        self.attempt = attempt
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.result = result
        self.error = error
    }

    /// Seconds between start and end, when both are known.
    public var durationSeconds: Double? {
        guard let startedAt, let endedAt else { return nil }
        return endedAt.timeIntervalSince(startedAt)
    }
}
