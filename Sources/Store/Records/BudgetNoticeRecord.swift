import Foundation
import GRDB

/// A row of `budget_notices`: a day on which an issue's trigger was refused by a daily budget,
/// and whether the issue has been told (once per issue and UTC day).
struct BudgetNoticeRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "budget_notices"

    enum Columns {
        static let issueKey = Column(CodingKeys.issueKey)
        static let day = Column(CodingKeys.day)
        static let commentedAt = Column(CodingKeys.commentedAt)
    }

    var issueKey: String
    /// `yyyy-MM-dd`, UTC.
    var day: String
    var reason: String
    var createdAt: Date
    var commentedAt: Date?
}
