/// An error that knows whether trying again later may succeed.
///
/// Each module's errors adopt it, so the step error classifier asks the error instead of
/// switching over every module's cases: `true` for trouble that passes (no answer, a 5xx, a rate
/// limit), `false` for a verdict that a retry would only repeat (a bad setting, a refused
/// credential, a command's failure).
public protocol TransientError: Error {
    /// True when the same call, tried again after a back-off, may succeed.
    var isTransient: Bool { get }
}
