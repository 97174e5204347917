import DayshiftCore
import Foundation
import GRDB

// Deliveries: what intake stores.
extension SQLiteStore {
    func recordDelivery(_ delivery: Delivery, message: IssueMessage?) async throws -> DeliveryOutcome {
        try await recordDeliveries([(delivery, message)])[0]
    }

    func recordDeliveries(_ batch: [(delivery: Delivery, message: IssueMessage?)]) async throws -> [DeliveryOutcome] {
        let rows = try Self.rows(batch)
        return try await write { db in
            try rows.map { try Self.insert($0.0, message: $0.1, db) }
        }
    }

    private static func rows(_ batch: [(delivery: Delivery, message: IssueMessage?)]) throws -> [(DeliveryRecord, InboxMessageRecord?)] {
        try batch.map { entry in
            (DeliveryRecord(entry.delivery),
             try entry.message.map { try InboxMessageRecord($0, deliveryGUID: entry.delivery.guid, createdAt: entry.delivery.receivedAt) })
        }
    }

    /// One statement, prepared once per connection, both inserts a new GUID and recognises a
    /// repeated one (nothing changes then). The query interface's `exists` + `Codable` insert it
    /// replaces generated and prepared a new statement and encoded the row field by field for
    /// every delivery.
    static let insertDeliverySQL = """
        INSERT INTO deliveries (guid, event, action, repository, issueNumber, receivedAt, payload, disposition, reason, replayOf)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(guid) DO NOTHING
        """

    static func insert(_ delivery: DeliveryRecord, message: InboxMessageRecord?, _ db: Database) throws -> DeliveryOutcome {
        var (delivery, message) = (delivery, message)
        var repeated: String?
        if let trigger = message?.triggerKey, let issueKey = message?.issueKey,
           let earlier = try String.fetchOne(db, sql: "SELECT deliveryGuid FROM inbox_messages WHERE issueKey = ? AND triggerKey = ?",
                                             arguments: [issueKey, trigger]) {
            // The same comment or label event under a new GUID (a redelivery, a duplicate upstream).
            repeated = "repeats trigger \(trigger), already acted on (delivery \(earlier))"
            delivery.disposition = "ignored"
            delivery.reason = repeated ?? ""
            message = nil
        }
        try db.cachedStatement(sql: insertDeliverySQL).execute(arguments: [
            delivery.guid, delivery.event, delivery.action, delivery.repository, delivery.issueNumber,
            StoredDate.text(delivery.receivedAt), delivery.payload, delivery.disposition, delivery.reason, delivery.replayOf,
        ])
        guard db.changesCount > 0 else { return .duplicate }
        if let repeated { return .repeatedTrigger(reason: repeated) }
        guard var message else { return .recorded(messageID: nil) }
        try message.insert(db)
        return .recorded(messageID: message.id)
    }

    func delivery(guid: String) async throws -> Delivery? {
        try await database.read { db in try DeliveryRecord.fetchOne(db, key: guid)?.delivery }
    }

    func recentDeliveries(limit: Int = 100) async throws -> [Delivery] {
        try await database.read { db in
            try DeliveryRecord.order(DeliveryRecord.Columns.receivedAt.desc).limit(limit).fetchAll(db).map(\.delivery)
        }
    }

    func deliveryCount() async throws -> Int {
        try await database.read { db in try DeliveryRecord.fetchCount(db) }
    }
}
