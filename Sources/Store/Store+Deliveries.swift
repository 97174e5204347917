import Foundation
import GRDB

// Deliveries: what intake stores.
/// What ``Store/recordDelivery(_:message:)`` did.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Stored now; `messageID` is the inbox message written with it, if any.
    case recorded(messageID: Int64?)
    /// A delivery with this GUID was stored before; nothing changed.
    case duplicate
}

extension Store {
    /// Stores a delivery and, when given, the message for its issue object, in one transaction.
    /// A GUID seen before changes nothing and returns ``DeliveryOutcome/duplicate``.
    /// - Throws: GRDB's `DatabaseError` on I/O failure (nothing is stored then).
    public func recordDelivery(_ delivery: DeliveryRecord, message: InboxMessageRecord?) throws -> DeliveryOutcome {
        try database.write { db in try Self.insert(delivery, message: message, db) }
    }

    /// Stores many deliveries (each with its optional message) in one transaction: one fsync for
    /// the whole batch (group commit). Outcomes are in input order; a GUID repeated within the
    /// batch is a duplicate from its second occurrence on.
    /// - Throws: GRDB's `DatabaseError` on I/O failure (nothing of the batch is stored then).
    public func recordDeliveries(_ batch: [(delivery: DeliveryRecord, message: InboxMessageRecord?)]) async throws -> [DeliveryOutcome] {
        try await database.write { db in
            try batch.map { try Self.insert($0.delivery, message: $0.message, db) }
        }
    }

    private static func insert(_ delivery: DeliveryRecord, message: InboxMessageRecord?, _ db: Database) throws -> DeliveryOutcome {
        if try DeliveryRecord.exists(db, key: delivery.guid) { return .duplicate }
        try delivery.insert(db)
        guard var message else { return .recorded(messageID: nil) }
        try message.insert(db)
        return .recorded(messageID: message.id)
    }

    /// The delivery with this GUID, if stored.
    public func delivery(guid: String) throws -> DeliveryRecord? {
        try database.read { db in try DeliveryRecord.fetchOne(db, key: guid) }
    }

    /// The most recent deliveries, newest first.
    public func recentDeliveries(limit: Int = 100) throws -> [DeliveryRecord] {
        try database.read { db in
            try DeliveryRecord.order(Column("receivedAt").desc).limit(limit).fetchAll(db)
        }
    }

    /// Number of stored deliveries.
    public func deliveryCount() throws -> Int {
        try database.read { db in try DeliveryRecord.fetchCount(db) }
    }
}

