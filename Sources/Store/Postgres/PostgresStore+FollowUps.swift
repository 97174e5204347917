import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+FollowUps.swift).
extension PostgresStore {
    func queueFollowUp(messageID: Int64, outcome: String, lease: IssueLease, at date: Date) async throws {
        throw PostgresStoreUnfinished(operation: "queueFollowUp")
    }

    func queuedFollowUps(issueKey: String) async throws -> [InboxMessage] {
        throw PostgresStoreUnfinished(operation: "queuedFollowUps")
    }
}
