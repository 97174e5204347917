import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+Inbox.swift).
extension PostgresStore {
    func issueKeysWithPendingMessages() async throws -> [String] {
        throw PostgresStoreUnfinished(operation: "issueKeysWithPendingMessages")
    }

    func nextPendingMessage(issueKey: String) async throws -> InboxMessage? {
        throw PostgresStoreUnfinished(operation: "nextPendingMessage")
    }

    func markMessageHandled(id: Int64, outcome: String, lease: IssueLease, at date: Date) async throws {
        throw PostgresStoreUnfinished(operation: "markMessageHandled")
    }

    func messages(issueKey: String) async throws -> [InboxMessage] {
        throw PostgresStoreUnfinished(operation: "messages")
    }
}
