import DayshiftCore
import Foundation
import GitHub
import Logging

/// Keeps a run's tracking comment on its issue up to date while the run works, without slowing the
/// run down: ``show(_:)`` only records the body people should see, and one background task writes
/// it, at most once per `interval` seconds (bodies shown in between are coalesced: only the latest
/// is written). ``close()`` ends it before the report step writes the final body, so a late
/// progress edit can never land after the final one.
///
/// The comment is found again by its hidden marker (``ReportText/reportMarker(_:settings:)``)
/// before one is created — at the first write of every activation, and after any failed create (a
/// `201` lost on the way back) — so a crash or a retry never posts a second comment. Calls:
/// `GET /repos/{owner}/{repo}/issues/{issue_number}/comments` (once), `POST …/comments` (at most
/// once, inside the `tracking.comment` fail point), `PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}`.
///
/// Progress is best effort: a failed write is logged and retried with the next body; the run goes on.
actor TrackingComment {
    private let repository: RepositoryName
    private let issue: Int
    private let marker: String
    private let interval: Double
    private let client: @Sendable () async throws -> GitHubClient
    private let owns: @Sendable (IssueComment) -> Bool
    private let failPoints: FailPoints
    private let logger: Logger

    /// The body people should see next, the one they see, and one whose write just failed.
    private var latest: String?
    private var shown: String?
    private var failed: String?
    private var commentID: Int64?
    private var lastWrite: ContinuousClock.Instant?
    private var writer: Task<Void, Never>?
    private var pause: Task<Void, any Error>?
    private var closed = false

    /// - Parameters:
    ///   - marker: the hidden marker the body ends with.
    ///   - interval: fewest seconds between two writes (`github.comment_edit_interval_seconds`).
    ///   - client: asked for a GitHub client at each write (tokens renew).
    ///   - owns: whether a comment carrying the marker is Dayshift's own (``GitHub/IssueComment/isDayshifts(marker:botUserID:signedInAsApp:)``).
    init(repository: RepositoryName, issue: Int, marker: String, interval: Double, failPoints: FailPoints, logger: Logger,
         owns: @escaping @Sendable (IssueComment) -> Bool, client: @escaping @Sendable () async throws -> GitHubClient) {
        self.owns = owns
        self.repository = repository
        self.issue = issue
        self.marker = marker
        self.interval = max(0, interval)
        self.failPoints = failPoints
        self.logger = logger
        self.client = client
    }

    /// Asks for `body` to be shown; returns at once. Ignored once closed.
    func show(_ body: String) {
        guard !closed else { return }
        latest = body
        if writer == nil { writer = Task { await self.writeLoop() } }
    }

    /// Waits until what was shown so far is written (or its write failed).
    func flush() async {
        while let writer { await writer.value }
    }

    /// Stops writing: a coalescing wait ends at once, a write under way is waited for.
    func close() async {
        closed = true
        pause?.cancel()
        await writer?.value
    }

    /// The comment's id, once found or created.
    var id: Int64? { commentID }

    private func writeLoop() async {
        while !closed, let body = latest, body != shown, body != failed {
            if let lastWrite {
                let due = lastWrite.advanced(by: .seconds(interval))
                if due > ContinuousClock.now {
                    let pause = Task { try await Task.sleep(until: due, clock: .continuous) }
                    self.pause = pause
                    _ = try? await pause.value
                    self.pause = nil
                    continue
                }
            }
            do {
                try await write(body)
                shown = body
            } catch {
                failed = body
                logger.warning("could not update the tracking comment; trying again with the next change", metadata: ["error": "\(error)"])
            }
            lastWrite = ContinuousClock.now
        }
        writer = nil
    }

    private func write(_ body: String) async throws {
        let github = try await client()
        if let commentID {
            do {
                _ = try await github.updateIssueComment(repository, commentID: commentID, body: body)
                return
            } catch let error as GitHubAPIError where error.status == 404 {
                self.commentID = nil  // deleted by someone: found again or posted anew next time
                throw error
            }
        }
        if let existing = try await github.issueComments(repository, issue: issue).first(where: owns) {
            commentID = existing.id
            if existing.body != body { _ = try await github.updateIssueComment(repository, commentID: existing.id, body: body) }
            return
        }
        try failPoints.check(site: "tracking.comment", .before)
        let created = try await github.createIssueComment(repository, issue: issue, body: body)
        commentID = created.id
        try failPoints.check(site: "tracking.comment", .after)
    }
}
