import DayshiftCore

/// Tells transient step errors (worth a retry after a back-off) from permanent ones.
enum StepErrorClassifier {
    /// The error's own answer when it adopts ``TransientError`` (GitHub, sandboxes, Daytona, the
    /// store, the steps' own errors each say which of their cases pass); any other error (a
    /// `URLError`, a decoding error) is treated as transient.
    static func isTransient(_ error: any Error) -> Bool {
        (error as? any TransientError)?.isTransient ?? true
    }
}
