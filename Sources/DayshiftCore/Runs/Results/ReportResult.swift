/// The report step's output: the issue comment written or updated.
public struct ReportResult: Sendable, Equatable {
    /// The comment's id.
    public var commentID: Int64
    /// e.g. `final status in the tracking comment`.
    public var note: String?

    public init(commentID: Int64, note: String? = nil) {
        self.commentID = commentID
        self.note = note
    }
}
