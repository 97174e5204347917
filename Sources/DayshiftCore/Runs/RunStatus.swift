/// Where a run stands. `running` is the only non-final status.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    /// `tests_failed`: a draft pull request was opened, but the tests fail after the change.
    case running, succeeded, failed, no_changes, tests_failed, cancelled

    /// True for every status but `running`.
    public var isFinal: Bool { self != .running }
}
