/// The publish step's output: the commit Dayshift wrote on its branch.
public struct PublishResult: Sendable, Equatable {
    /// The pushed commit (40 hex digits).
    public var commit: String
    /// The pushed branch, e.g. `dayshift/issue-42`.
    public var branch: String
    /// What the commit changed.
    public var change: ChangeSummary
    /// e.g. `created dayshift/issue-42: 3 files, 512 bytes`.
    public var note: String?

    public init(commit: String, branch: String, change: ChangeSummary, note: String? = nil) {
        self.commit = commit
        self.branch = branch
        self.change = change
        self.note = note
    }
}
