/// Where one step of a run's journal stands.
public enum StepStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, succeeded, failed, skipped

    /// True when the step will not run again.
    public var isDone: Bool { self == .succeeded || self == .failed || self == .skipped }
}
