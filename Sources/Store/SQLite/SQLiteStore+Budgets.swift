import DayshiftCore
import Foundation
import GRDB

// Triggers refused by a daily budget (`budget_notices`): the issue is told once per UTC day.
extension SQLiteStore {
    func recordBudgetRefusal(_ refusal: DailyBudgetRefusal, messageID: Int64, lease: IssueLease, at date: Date = Date()) async throws -> Bool {
        let issueKey = lease.issueKey
        return try await write(holding: lease) { db in
            try Self.markHandled(id: messageID, outcome: "refused: \(refusal)", at: date, db)
            if let notice = try BudgetNoticeRecord.fetchOne(db, key: [BudgetNoticeRecord.Columns.issueKey.name: issueKey, BudgetNoticeRecord.Columns.day.name: refusal.day]) {
                return notice.commentedAt == nil
            }
            try BudgetNoticeRecord(issueKey: issueKey, day: refusal.day, reason: refusal.description, createdAt: date).insert(db)
            return true
        }
    }

    func markBudgetNoticeCommented(issueKey: String, day: String, at date: Date = Date()) async throws {
        try await write { db in
            _ = try BudgetNoticeRecord.filter(BudgetNoticeRecord.Columns.issueKey == issueKey && BudgetNoticeRecord.Columns.day == day)
                .updateAll(db, BudgetNoticeRecord.Columns.commentedAt.set(to: date))
        }
    }
}
