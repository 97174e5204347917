/// Why ``Store/startRun(_:lease:triggerMessageID:steps:at:)`` did not start a run.
public enum StartRunError: Error, Equatable {
    /// Another run of this issue is still `running`.
    case alreadyRunning(runID: Int64)
    /// The GitHub App installation is blocked (deleted, suspended, or the repository
    /// removed from it), as decided in the same transaction as the start: a change recorded at
    /// the same moment either sees this run (and cancels it) or blocks this start.
    case installationBlocked(reason: String)
}
