import DayshiftCore

/// Told what the runtime does, for metrics: steps as they end, runs as they finish, and the live
/// sandboxes each reaper sweep counts. Defined here so that this module records without
/// depending on a metrics library; the server injects the implementation.
///
/// Implementations must be cheap and must not throw or block: they run on the run's path.
public protocol RuntimeRecorder: Sendable {
    /// One attempt of `step` ended after `seconds`: `succeeded`, `failed`, or `retrying` (a
    /// transient failure whose retry is scheduled). Skipped and interrupted attempts are not told.
    func stepEnded(_ step: StepName, outcome: StepOutcome, seconds: Double)
    /// A run reached its final `status` (committed).
    func runFinished(_ status: RunStatus)
    /// A reaper sweep listed `count` managed sandboxes still alive after its deletions.
    func liveSandboxes(_ count: Int)
}

/// How one step attempt ended, as metrics name it (`outcome` label).
public enum StepOutcome: String, Sendable, CaseIterable {
    case succeeded, failed, retrying
}

/// Records nothing (the default for runtimes built without metrics, e.g. in unit tests).
public struct NoRuntimeRecorder: RuntimeRecorder {
    public init() {}
    public func stepEnded(_ step: StepName, outcome: StepOutcome, seconds: Double) {}
    public func runFinished(_ status: RunStatus) {}
    public func liveSandboxes(_ count: Int) {}
}
