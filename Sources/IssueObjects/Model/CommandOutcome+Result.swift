import DayshiftCore
import Sandboxes

extension CommandOutcome {
    /// How `command` ended, keeping the last `tailLines` lines of its output.
    public init(command: String, result: CommandResult, tailLines: Int) {
        self.init(command: command, exitCode: result.exitCode, tail: result.lastLines(tailLines), timedOut: result.timedOut,
                  seconds: result.durationSeconds)
    }
}
