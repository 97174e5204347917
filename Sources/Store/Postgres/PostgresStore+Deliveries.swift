import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+Deliveries.swift).
extension PostgresStore {
    func recordDelivery(_ delivery: Delivery, message: IssueMessage?) async throws -> DeliveryOutcome {
        // SCRATCH (pg-queue, reverted)
        let d = DeliveryRecord(delivery)
        let body = try message.map { try JSONEncoder().encode($0.snapshot) }
        return try await write { connection in
            let inserted = try await connection.value("""
                INSERT INTO deliveries (guid, event, action, repository, issueNumber, receivedAt, payload, disposition, reason, replayOf)
                VALUES (\(d.guid), \(d.event), \(d.action), \(d.repository), \(d.issueNumber.map(Int64.init)), \(d.receivedAt), \(d.payload), \(d.disposition), \(d.reason), \(d.replayOf))
                ON CONFLICT (guid) DO NOTHING RETURNING guid
                """, as: String.self, logger: self.logger)
            guard inserted != nil else { return .duplicate }
            guard let message, let body else { return .recorded(messageID: nil) }
            let id = try await connection.value("""
                INSERT INTO inbox_messages (issueKey, kind, deliveryGuid, body, createdAt) VALUES (\(message.issueKey.description), \(message.command.rawValue), \(d.guid), \(body), \(d.receivedAt)) RETURNING id
                """, as: Int64.self, logger: self.logger)
            return .recorded(messageID: id)
        }
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
