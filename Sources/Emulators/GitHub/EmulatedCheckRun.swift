import Foundation

/// A check run held by ``GitHubEmulatorState``; rendered as GitHub's `check-run` JSON by
/// `POST /repos/{owner}/{repo}/check-runs`, `PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}`
/// and `GET /repos/{owner}/{repo}/commits/{ref}/check-runs`.
public struct EmulatedCheckRun: Sendable, Codable, Equatable {
    /// The `conclusion` values GitHub accepts.
    public static let validConclusions: Set<String> = ["success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required"]
    /// The `status` values GitHub accepts.
    public static let validStatuses: Set<String> = ["queued", "in_progress", "completed"]

    public var owner: String
    public var repo: String
    /// `id` (also the `{check_run_id}` path parameter).
    public var id: Int
    public var name: String
    /// The commit it is attached to (`head_sha`).
    public var headSHA: String
    /// `queued`, `in_progress` or `completed`.
    public var status: String
    /// Set once `completed`.
    public var conclusion: String?
    public var externalID: String?
    /// `output.title`, `output.summary`, `output.text`.
    public var title: String?
    public var summary: String?
    public var text: String?
    public var startedAt: Date
    public var completedAt: Date?

    public init(owner: String, repo: String, id: Int, name: String, headSHA: String, status: String, conclusion: String?,
                externalID: String?, title: String?, summary: String?, text: String?, startedAt: Date, completedAt: Date?) {
        self.owner = owner
        self.repo = repo
        self.id = id
        self.name = name
        self.headSHA = headSHA
        self.status = status
        self.conclusion = conclusion
        self.externalID = externalID
        self.title = title
        self.summary = summary
        self.text = text
        self.startedAt = startedAt
        self.completedAt = completedAt
    }
}
