import Foundation
import GRDB

/// One webhook delivery as received (table `deliveries`), unique by GitHub's `X-GitHub-Delivery` GUID.
public struct DeliveryRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "deliveries"

    /// `X-GitHub-Delivery`.
    public var guid: String
    /// `X-GitHub-Event`, e.g. `issues`.
    public var event: String
    /// The body's top-level `action`, when there is one.
    public var action: String?
    /// `repository.full_name`, when there is one.
    public var repository: String?
    /// The issue number the delivery concerns, when there is one.
    public var issueNumber: Int?
    public var receivedAt: Date
    /// The raw body bytes, exactly as signed.
    public var payload: Data
    /// `acted` or `ignored`.
    public var disposition: String
    /// Why it was acted on or ignored, in words (e.g. `comment author association NONE is not allowed`).
    public var reason: String

    public init(guid: String, event: String, action: String?, repository: String?, issueNumber: Int?, receivedAt: Date,
                payload: Data, disposition: String, reason: String) {
        self.guid = guid
        self.event = event
        self.action = action
        self.repository = repository
        self.issueNumber = issueNumber
        self.receivedAt = receivedAt
        self.payload = payload
        self.disposition = disposition
        self.reason = reason
    }
}
