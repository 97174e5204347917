import DayshiftCore
import Foundation
import GRDB

/// A row of `runs`. At most one run per issue is `running` at a time, which a partial unique
/// index enforces. `context` is the JSON of the run's ``RunContext``.
struct RunRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "runs"

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let issueKey = Column(CodingKeys.issueKey)
        static let sequence = Column(CodingKeys.sequence)
        static let status = Column(CodingKeys.status)
        static let summary = Column(CodingKeys.summary)
        static let finishedAt = Column(CodingKeys.finishedAt)
        static let createdAt = Column(CodingKeys.createdAt)
        static let cancelRequestedAt = Column(CodingKeys.cancelRequestedAt)
    }

    var id: Int64?
    var issueKey: String
    var sequence: Int
    var status: RunStatus
    var triggerMessageId: Int64
    var context: Data
    var createdAt: Date
    var finishedAt: Date?
    var summary: String?
    var cancelRequestedAt: Date?

    init(issueKey: String, sequence: Int, triggerMessageId: Int64, context: Data, createdAt: Date) {
        self.issueKey = issueKey
        self.sequence = sequence
        self.status = .running
        self.triggerMessageId = triggerMessageId
        self.context = context
        self.createdAt = createdAt
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The run, its context decoded.
    /// - Throws: `DecodingError` when the stored context is not a ``RunContext``.
    func run() throws -> Run {
        Run(id: id ?? 0, issueKey: issueKey, sequence: sequence, status: status, triggerMessageID: triggerMessageId,
            context: try JSONDecoder().decode(RunContext.self, from: context), createdAt: createdAt, finishedAt: finishedAt,
            summary: summary, cancelRequestedAt: cancelRequestedAt)
    }
}
