import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+OperatorQueries.swift).
extension PostgresStore {
    func runs(matching query: RunQuery, limit: Int) async throws -> [Run] {
        throw PostgresStoreUnfinished(operation: "runs")
    }

    func currentSteps(runIDs: [Int64]) async throws -> [Int64: StepName] {
        throw PostgresStoreUnfinished(operation: "currentSteps")
    }

    func usage(runIDs: [Int64]) async throws -> [Int64: RunModelUsage] {
        throw PostgresStoreUnfinished(operation: "usage")
    }

    func deliveries(matching query: DeliveryQuery, limit: Int) async throws -> [StoredDelivery] {
        throw PostgresStoreUnfinished(operation: "deliveries")
    }

    func issueObjects(matching query: IssueObjectQuery, limit: Int) async throws -> [IssueObjectSummary] {
        throw PostgresStoreUnfinished(operation: "issueObjects")
    }

    func issueObject(key: IssueKey) async throws -> IssueObjectSummary? {
        throw PostgresStoreUnfinished(operation: "issueObject")
    }

    func pendingMessages(limit: Int) async throws -> [InboxMessage] {
        throw PostgresStoreUnfinished(operation: "pendingMessages")
    }
}
