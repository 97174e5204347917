/// Why ``Store/startRun(_:lease:triggerMessageID:steps:at:)`` did not start a run.
public enum StartRunError: Error, Equatable {
    /// Another run of this issue is still `running`.
    case alreadyRunning(runID: Int64)
}
