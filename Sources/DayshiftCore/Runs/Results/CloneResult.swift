/// The clone step's output: what the run works from.
public struct CloneResult: Sendable, Equatable {
    /// The base commit (40 hex digits).
    public var commit: String
    /// The checked-out base branch.
    public var branch: String

    public init(commit: String, branch: String) {
        self.commit = commit
        self.branch = branch
    }
}
