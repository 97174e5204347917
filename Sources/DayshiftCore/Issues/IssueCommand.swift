/// What a trigger asks an issue object to do.
public enum IssueCommand: String, Sendable, Codable, CaseIterable {
    /// Start a run (label, `/dayshift`, `/dayshift fix`, an opened issue when enabled).
    case fix
    /// Stop the running run (`/dayshift cancel`).
    case cancel
    /// Start a new run after a failed one (`/dayshift retry`).
    case retry
    /// The issue was closed: stop any running run.
    case closed
    /// Feedback on Dayshift's pull request: a new run on its branch (queued, at most one, while a
    /// run is running).
    case followUp = "follow_up"
}
