import Foundation

// PostgreSQL's `text` cannot hold U+0000 (it refuses the row as an invalid byte sequence), while
// a webhook's JSON may carry `\u0000` in any string. What intake stores as text (the repository,
// the action, a reason quoting a label, an issue key, a trigger key) has it replaced with U+FFFD,
// so such a delivery is stored and answered instead of failing with a 500 at every redelivery.
// The payload itself is `bytea` and is kept byte for byte.
extension String {
    /// This text with every U+0000 replaced by U+FFFD.
    var storableInPostgres: String {
        contains("\u{0}") ? replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : self
    }
}

extension DeliveryRecord {
    /// The record with its text columns storable in PostgreSQL.
    var storableInPostgres: DeliveryRecord {
        var record = self
        record.guid = guid.storableInPostgres
        record.event = event.storableInPostgres
        record.action = action?.storableInPostgres
        record.repository = repository?.storableInPostgres
        record.reason = reason.storableInPostgres
        record.replayOf = replayOf?.storableInPostgres
        return record
    }
}

extension InboxMessageRecord {
    /// The record with its text columns storable in PostgreSQL.
    var storableInPostgres: InboxMessageRecord {
        var record = self
        record.issueKey = issueKey.storableInPostgres
        record.kind = kind.storableInPostgres
        record.deliveryGuid = deliveryGuid.storableInPostgres
        record.outcome = outcome?.storableInPostgres
        record.triggerKey = triggerKey?.storableInPostgres
        return record
    }
}
