/// The steps of a run, in the order they run. Shared by the journal (`Store`), the runtime
/// (`IssueObjects`) and crash injection (`DayshiftConfig.FailPoint`), so the names are spelled once.
public enum StepName: String, CaseIterable, Sendable, Codable {
    case provision, clone, setup, baseline, agent, verify, publish, pull_request, report, cleanup

    /// Steps that run whatever happened before them, so that the issue hears the outcome and no
    /// sandbox is left behind.
    public var alwaysRuns: Bool { self == .report || self == .cleanup }
}
