import DayshiftCore
import Foundation
import Logging
import PostgresNIO

// Deliveries: what intake stores.
//
// Several replicas may receive the same GUID at the same moment (GitHub's redelivery, a load
// balancer's retry): the delivery's primary key decides. `INSERT … ON CONFLICT (guid) DO NOTHING`
// makes the second transaction wait for the first and then insert nothing (or insert, when the
// first rolled back), so one GUID is stored once and yields at most one message. A trigger
// repeated under two GUIDs is decided the same way by the unique index `inbox_trigger_once`
// (`issueKey, triggerKey`): the message that loses stores its delivery as ignored.
extension PostgresStore {
    func recordDelivery(_ delivery: Delivery, message: IssueMessage?) async throws -> DeliveryOutcome {
        try await recordDeliveries([(delivery, message)])[0]
    }

    func recordDeliveries(_ batch: [(delivery: Delivery, message: IssueMessage?)]) async throws -> [DeliveryOutcome] {
        let rows = try batch.map { entry in
            (DeliveryRecord(entry.delivery),
             try entry.message.map { try InboxMessageRecord($0, deliveryGUID: entry.delivery.guid, createdAt: entry.delivery.receivedAt) })
        }
        return try await retryingDeadlocks {
            try await self.write { connection in try await Self.insert(rows, connection, logger: self.logger) }
        }
    }

    /// Stores one delivery and its message inside the caller's transaction.
    static func insert(_ delivery: DeliveryRecord, message: InboxMessageRecord?, _ connection: PostgresConnection,
                       logger: Logger) async throws -> DeliveryOutcome {
        try await insert([(delivery, message)], connection, logger: logger)[0]
    }

    /// Stores deliveries and their messages inside the caller's transaction; outcomes in input
    /// order (see the file's comment for what makes it safe across replicas).
    ///
    /// The deliveries are inserted in GUID order, whatever the batch's order: two replicas'
    /// batches sharing GUIDs then take the unique index's row locks in the same order and wait
    /// for each other instead of deadlocking. The messages are inserted in the batch's order, so
    /// their ids keep the order the triggers arrived in (the fair queue serves by message id).
    static func insert(_ batch: [(DeliveryRecord, InboxMessageRecord?)], _ connection: PostgresConnection,
                       logger: Logger) async throws -> [DeliveryOutcome] {
        var deliveries = batch.map(\.0.storableInPostgres)
        var messages = batch.map { $0.1?.storableInPostgres }
        var repeated = [String?](repeating: nil, count: batch.count)
        for index in batch.indices {
            guard let message = messages[index], let trigger = message.triggerKey,
                  let earlier = try await connection.value("""
                      SELECT deliveryGuid FROM inbox_messages WHERE issueKey = \(message.issueKey) AND triggerKey = \(trigger)
                      """, as: String.self, logger: logger) else { continue }
            // The same comment or label event under a new GUID (a redelivery, a duplicate upstream).
            repeated[index] = repeatedTriggerReason(trigger, earlier: earlier)
            deliveries[index].disposition = "ignored"
            deliveries[index].reason = repeated[index] ?? ""
            messages[index] = nil
        }
        var inserted = [Bool](repeating: false, count: batch.count)
        for index in batch.indices.sorted(by: { (deliveries[$0].guid, $0) < (deliveries[$1].guid, $1) }) {
            let delivery = deliveries[index]
            inserted[index] = try await connection.value("""
                INSERT INTO deliveries (guid, event, action, repository, issueNumber, receivedAt, payload, disposition, reason, replayOf)
                VALUES (\(delivery.guid), \(delivery.event), \(delivery.action), \(delivery.repository), \(delivery.issueNumber.map(Int64.init)),
                        \(delivery.receivedAt), \(delivery.payload), \(delivery.disposition), \(delivery.reason), \(delivery.replayOf))
                ON CONFLICT (guid) DO NOTHING RETURNING guid
                """, as: String.self, logger: logger) != nil
        }
        var outcomes: [DeliveryOutcome] = []
        for index in batch.indices {
            guard inserted[index] else { outcomes.append(.duplicate); continue }
            if let reason = repeated[index] { outcomes.append(.repeatedTrigger(reason: reason)); continue }
            guard let message = messages[index] else { outcomes.append(.recorded(messageID: nil)); continue }
            if let id = try await insertMessage(message, connection, logger: logger) {
                outcomes.append(.recorded(messageID: id))
                continue
            }
            // An earlier message of this batch, or another replica's delivery committed since the
            // check above, has the same trigger: this delivery is stored as ignored, as if the
            // check had seen it.
            let trigger = message.triggerKey ?? ""
            let earlier = try await connection.value("""
                SELECT deliveryGuid FROM inbox_messages WHERE issueKey = \(message.issueKey) AND triggerKey = \(trigger)
                """, as: String.self, logger: logger) ?? "?"
            let reason = repeatedTriggerReason(trigger, earlier: earlier)
            try await connection.run("""
                UPDATE deliveries SET disposition = 'ignored', reason = \(reason) WHERE guid = \(deliveries[index].guid)
                """, logger: logger)
            outcomes.append(.repeatedTrigger(reason: reason))
        }
        return outcomes
    }

    /// Inserts an inbox message inside the caller's transaction and returns its id, or `nil` when
    /// its issue already has a message with the same trigger key (`inbox_trigger_once`).
    static func insertMessage(_ message: InboxMessageRecord, _ connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        try await connection.value("""
            INSERT INTO inbox_messages (issueKey, kind, deliveryGuid, body, createdAt, origin, triggerKey)
            VALUES (\(message.issueKey), \(message.kind), \(message.deliveryGuid), \(message.body), \(message.createdAt),
                    \(message.origin), \(message.triggerKey))
            ON CONFLICT (issueKey, triggerKey) WHERE triggerKey IS NOT NULL DO NOTHING RETURNING id
            """, as: Int64.self, logger: logger)
    }

    private static func repeatedTriggerReason(_ trigger: String, earlier: String) -> String {
        "repeats trigger \(trigger), already acted on (delivery \(earlier))"
    }

    /// Runs `transaction` again (up to 5 times in all) when PostgreSQL aborted it as a deadlock
    /// victim (SQLSTATE `40P01`): it was rolled back whole. GUIDs are locked in one order, so
    /// only batches crossing on trigger keys can still deadlock.
    func retryingDeadlocks<T: Sendable>(_ transaction: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await transaction()
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "40P01" && attempt < 5 {
                attempt += 1
                logger.debug("deadlock victim, running the transaction again", metadata: ["attempt": "\(attempt)"])
            }
        }
    }

    func delivery(guid: String) async throws -> Delivery? {
        try await read { connection in
            try await connection.records(DeliveryRecord.self, "WHERE guid = \(guid)", logger: self.logger).first?.delivery
        }
    }

    func recentDeliveries(limit: Int) async throws -> [Delivery] {
        try await read { connection in
            try await connection.records(DeliveryRecord.self, "ORDER BY receivedAt DESC LIMIT \(Int64(limit))", logger: self.logger).map(\.delivery)
        }
    }

    func deliveryCount() async throws -> Int {
        try await read { connection in
            Int(try await connection.value("SELECT count(*) FROM deliveries", as: Int64.self, logger: self.logger) ?? 0)
        }
    }
}
