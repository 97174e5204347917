import Foundation
import GRDB

/// A row of `run_queue`: one per run started since the queue existed, written in the run's own
/// start transaction. A run waits while `admittedAt` is unset, holds a sandbox slot from
/// `admittedAt` until `releasedAt` (set in its finish transaction), and its row stays as the
/// ledger the daily budgets count.
struct QueueEntryRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "run_queue"

    enum Columns {
        static let runId = Column(CodingKeys.runId)
        static let issueKey = Column(CodingKeys.issueKey)
        static let repository = Column(CodingKeys.repository)
        static let installation = Column(CodingKeys.installation)
        static let enqueuedAt = Column(CodingKeys.enqueuedAt)
        static let admittedAt = Column(CodingKeys.admittedAt)
        static let admission = Column(CodingKeys.admission)
        static let releasedAt = Column(CodingKeys.releasedAt)
        static let notifiedAt = Column(CodingKeys.notifiedAt)
    }

    var runId: Int64
    var issueKey: String
    /// `owner/name` in lower case.
    var repository: String
    /// The GitHub App installation, `0` when none.
    var installation: Int64
    var enqueuedAt: Date
    var admittedAt: Date?
    /// 1 for the first run ever admitted, 2 for the next…: tells whose turn came last.
    var admission: Int64?
    var releasedAt: Date?
    /// When the issue was told the run is queued (once).
    var notifiedAt: Date?
}
