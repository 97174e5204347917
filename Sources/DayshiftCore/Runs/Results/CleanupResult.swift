/// The cleanup step's output: what was deleted.
public struct CleanupResult: Sendable, Equatable {
    /// e.g. `deleted dayshift-octo-hello-42-r3` or `no sandbox left to delete`.
    public var note: String?

    public init(note: String?) {
        self.note = note
    }
}
