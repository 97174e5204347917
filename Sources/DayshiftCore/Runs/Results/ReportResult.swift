/// The report step's output: the issue comment written or updated.
public struct ReportResult: Sendable, Equatable {
    /// The comment's id.
    public var commentID: Int64
    /// e.g. `final status in the tracking comment`.
    public var note: String?
    /// The published commit was already on the pull request from an earlier run of the issue, so
    /// the report said the pull request "already had this change"; the run's summary says the same.
    public var adoptedUnchanged: Bool

    public init(commentID: Int64, note: String? = nil, adoptedUnchanged: Bool = false) {
        self.commentID = commentID
        self.note = note
        self.adoptedUnchanged = adoptedUnchanged
    }
}
