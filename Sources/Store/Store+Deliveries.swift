import DayshiftCore
import Foundation

// Deliveries: what intake stores.
extension Store {
    /// Stores a delivery and, when given, the message for its issue object, in one transaction.
    /// A GUID seen before changes nothing and returns ``DeliveryOutcome/duplicate``.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`) on I/O failure (nothing is stored then).
    public func recordDelivery(_ delivery: Delivery, message: IssueMessage?) async throws -> DeliveryOutcome {
        try await backend.recordDelivery(delivery, message: message)
    }

    /// Stores many deliveries (each with its optional message) in one transaction: one fsync for
    /// the whole batch (group commit). Outcomes are in input order; a GUID repeated within the
    /// batch is a duplicate from its second occurrence on.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`) on I/O failure (nothing of the batch is stored then).
    public func recordDeliveries(_ batch: [(delivery: Delivery, message: IssueMessage?)]) async throws -> [DeliveryOutcome] {
        try await backend.recordDeliveries(batch)
    }

    /// The delivery with this GUID, if stored.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func delivery(guid: String) async throws -> Delivery? {
        try await backend.delivery(guid: guid)
    }

    /// The most recent deliveries, newest first.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func recentDeliveries(limit: Int = 100) async throws -> [Delivery] {
        try await backend.recentDeliveries(limit: limit)
    }

    /// Number of stored deliveries.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func deliveryCount() async throws -> Int {
        try await backend.deliveryCount()
    }
}
