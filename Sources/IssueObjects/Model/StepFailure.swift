import DayshiftCore

/// A step ended in a way that fails the run (e.g. the setup command exited non-zero). The message
/// goes into the journal and the issue comment, so it must never hold a secret.
public struct StepFailure: TransientError, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    /// Always false: a command's verdict or a bad setting; running it again gives the same answer.
    public var isTransient: Bool { false }
}
