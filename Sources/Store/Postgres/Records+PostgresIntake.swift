import DayshiftCore
import Foundation
import PostgresNIO

// Intake's records built from PostgreSQL rows: each names its columns once (`columns`, for the
// SELECT) and decodes them in that order, so the shared records' conversions (`.delivery`,
// `.message`) serve both backends.

extension DeliveryRecord {
    /// The `deliveries` columns ``init(postgres:)`` reads, in its order.
    static let postgresColumns = "guid, event, action, repository, issueNumber, receivedAt, payload, disposition, reason, replayOf"

    /// - Throws: `PostgresDecodingError` when the row is not ``postgresColumns``.
    init(postgres row: PostgresRow) throws {
        let (guid, event, action, repository, issueNumber, receivedAt, payload, disposition, reason, replayOf) =
            try row.decode((String, String, String?, String?, Int64?, Date, Data, String, String, String?).self)
        self.guid = guid
        self.event = event
        self.action = action
        self.repository = repository
        self.issueNumber = issueNumber.map(Int.init)
        self.receivedAt = receivedAt
        self.payload = payload
        self.disposition = disposition
        self.reason = reason
        self.replayOf = replayOf
    }
}

extension InboxMessageRecord {
    /// The `inbox_messages` columns ``init(postgres:)`` reads, in its order (`m.` qualified, so a
    /// join can use them too).
    static let postgresColumns = "m.id, m.issueKey, m.kind, m.deliveryGuid, m.body, m.createdAt, m.handledAt, m.outcome, m.origin, m.triggerKey"

    /// - Throws: `PostgresDecodingError` when the row is not ``postgresColumns``.
    init(postgres row: PostgresRow) throws {
        let (id, issueKey, kind, deliveryGuid, body, createdAt, handledAt, outcome, origin, triggerKey) =
            try row.decode((Int64, String, String, String, Data, Date, Date?, String?, Data?, String?).self)
        self.init(issueKey: issueKey, kind: kind, deliveryGuid: deliveryGuid, body: body, createdAt: createdAt)
        self.id = id
        self.handledAt = handledAt
        self.outcome = outcome
        self.origin = origin
        self.triggerKey = triggerKey
    }
}

extension RunModelUsage {
    /// The `run_model_usage` columns ``init(postgres:)`` reads, in its order.
    static let postgresColumns = "runId, requests, inputTokens, outputTokens, costUSD, bytes, unpricedModels, updatedAt"

    /// - Throws: `PostgresDecodingError` when the row is not ``postgresColumns``.
    init(postgres row: PostgresRow) throws {
        let (runId, requests, inputTokens, outputTokens, costUSD, bytes, unpricedModels, updatedAt) =
            try row.decode((Int64, Int64, Int64, Int64, Double, Int64, String, Date).self)
        self.init(runId: runId, requests: Int(requests), inputTokens: Int(inputTokens), outputTokens: Int(outputTokens), costUSD: costUSD,
                  bytes: Int(bytes), unpricedModels: unpricedModels, updatedAt: updatedAt)
    }
}
