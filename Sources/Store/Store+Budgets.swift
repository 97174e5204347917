import DayshiftCore
import Foundation
import GRDB

// Triggers refused by a daily budget (`budget_notices`): the issue is told once per UTC day.
extension Store {
    /// Records a trigger refused by a daily budget: marks its message handled (`refused: <reason>`)
    /// and notes the refusal for the issue's day, in one transaction. No run is created.
    /// - Returns: true when the issue has not yet been told about a refusal that day (the caller
    ///   comments, then calls ``markBudgetNoticeCommented(issueKey:day:at:)``).
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``; GRDB's `DatabaseError`.
    public func recordBudgetRefusal(_ refusal: DailyBudgetRefusal, messageID: Int64, lease: IssueLease, at date: Date = Date()) async throws -> Bool {
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

    /// Records that the issue was told about its refusal on `day`.
    /// - Throws: GRDB's `DatabaseError`.
    public func markBudgetNoticeCommented(issueKey: String, day: String, at date: Date = Date()) async throws {
        try await database.write { db in
            _ = try BudgetNoticeRecord.filter(BudgetNoticeRecord.Columns.issueKey == issueKey && BudgetNoticeRecord.Columns.day == day)
                .updateAll(db, BudgetNoticeRecord.Columns.commentedAt.set(to: date))
        }
    }
}
