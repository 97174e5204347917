import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+Budgets.swift).
extension PostgresStore {
    func recordBudgetRefusal(_ refusal: DailyBudgetRefusal, messageID: Int64, lease: IssueLease, at date: Date) async throws -> Bool {
        throw PostgresStoreUnfinished(operation: "recordBudgetRefusal")
    }

    func markBudgetNoticeCommented(issueKey: String, day: String, at date: Date) async throws {
        throw PostgresStoreUnfinished(operation: "markBudgetNoticeCommented")
    }
}
