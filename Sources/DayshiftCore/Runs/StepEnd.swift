/// How one step attempt ended, as the journal records it.
public enum StepEnd: Sendable, Equatable {
    /// Done, with what it produced.
    case succeeded(StepResult)
    /// Failed for good (the run fails), with why in words (never a secret).
    case failed(String)
    /// Not run: an earlier failure, a cancel or an agent that changed nothing made it pointless.
    case skipped

    /// The status the step has after this end.
    public var status: StepStatus {
        switch self {
        case .succeeded: .succeeded
        case .failed: .failed
        case .skipped: .skipped
        }
    }
}
