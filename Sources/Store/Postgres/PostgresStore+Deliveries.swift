import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+Deliveries.swift).
extension PostgresStore {
    func recordDelivery(_ delivery: Delivery, message: IssueMessage?) async throws -> DeliveryOutcome {
        throw PostgresStoreUnfinished(operation: "recordDelivery")
    }

    func recordDeliveries(_ batch: [(delivery: Delivery, message: IssueMessage?)]) async throws -> [DeliveryOutcome] {
        throw PostgresStoreUnfinished(operation: "recordDeliveries")
    }

    func recordDeliveries(_ batch: [(delivery: Delivery, message: IssueMessage?)],
                          completion: @escaping @Sendable (Result<[DeliveryOutcome], any Error>) -> Void) {
        Task {
            do {
                completion(.success(try await recordDeliveries(batch)))
            } catch {
                completion(.failure(error))
            }
        }
    }

    func delivery(guid: String) async throws -> Delivery? {
        throw PostgresStoreUnfinished(operation: "delivery")
    }

    func recentDeliveries(limit: Int) async throws -> [Delivery] {
        throw PostgresStoreUnfinished(operation: "recentDeliveries")
    }

    func deliveryCount() async throws -> Int {
        throw PostgresStoreUnfinished(operation: "deliveryCount")
    }
}
