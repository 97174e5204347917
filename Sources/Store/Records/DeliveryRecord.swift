import DayshiftCore
import Foundation
import GRDB

/// A row of `deliveries`, unique by GitHub's `X-GitHub-Delivery` GUID.
struct DeliveryRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "deliveries"

    enum Columns {
        static let guid = Column(CodingKeys.guid)
        static let receivedAt = Column(CodingKeys.receivedAt)
        static let event = Column(CodingKeys.event)
        static let repository = Column(CodingKeys.repository)
        static let disposition = Column(CodingKeys.disposition)
    }

    var guid: String
    var event: String
    var action: String?
    var repository: String?
    var issueNumber: Int?
    var receivedAt: Date
    var payload: Data
    /// `acted` or `ignored`.
    var disposition: String
    var reason: String
    /// The GUID of the delivery this one replayed.
    var replayOf: String?

    init(_ delivery: Delivery) {
        guid = delivery.guid
        event = delivery.event
        action = delivery.action
        repository = delivery.repository
        issueNumber = delivery.issueNumber
        receivedAt = delivery.receivedAt
        payload = delivery.payload
        disposition = delivery.decision.isActed ? "acted" : "ignored"
        reason = delivery.decision.reason
        replayOf = delivery.replayOf
    }

    var delivery: Delivery {
        Delivery(guid: guid, event: event, action: action, repository: repository, issueNumber: issueNumber, receivedAt: receivedAt,
                 payload: payload, decision: disposition == "acted" ? .acted(reason: reason) : .ignored(reason: reason), replayOf: replayOf)
    }
}
