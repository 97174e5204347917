import DayshiftCore
import Foundation

// Triggers refused by a daily budget (`budget_notices`): the issue is told once per UTC day.
extension Store {
    /// Records a trigger refused by a daily budget: marks its message handled (`refused: <reason>`)
    /// and notes the refusal for the issue's day, in one transaction. No run is created.
    /// - Returns: true when the issue has not yet been told about a refusal that day (the caller
    ///   comments, then calls ``markBudgetNoticeCommented(issueKey:day:at:)``).
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``; a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func recordBudgetRefusal(_ refusal: DailyBudgetRefusal, messageID: Int64, lease: IssueLease, at date: Date = Date()) async throws -> Bool {
        try await backend.recordBudgetRefusal(refusal, messageID: messageID, lease: lease, at: date)
    }

    /// Records that the issue was told about its refusal on `day`.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func markBudgetNoticeCommented(issueKey: String, day: String, at date: Date = Date()) async throws {
        try await backend.markBudgetNoticeCommented(issueKey: issueKey, day: day, at: date)
    }
}
