/// The output of a step that runs one command of the repository's (setup, baseline, verify).
public struct CommandStepResult: Sendable, Equatable {
    /// How the command ended; `nil` when there was none to run (see ``note``).
    public var outcome: CommandOutcome?
    /// e.g. `no setup_command` or `no test command configured or detected`.
    public var note: String?

    public init(outcome: CommandOutcome?, note: String? = nil) {
        self.outcome = outcome
        self.note = note
    }
}
