import Foundation

/// One webhook delivery as received, unique by GitHub's `X-GitHub-Delivery` GUID.
public struct Delivery: Sendable, Equatable {
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
    /// Acted on or ignored, and why.
    public var decision: DeliveryDecision
    /// The GUID of the delivery whose payload this one processed again (an operator's replay).
    public var replayOf: String?

    public init(guid: String, event: String, action: String?, repository: String?, issueNumber: Int?, receivedAt: Date, payload: Data,
                decision: DeliveryDecision, replayOf: String? = nil) {
        self.guid = guid
        self.event = event
        self.action = action
        self.repository = repository
        self.issueNumber = issueNumber
        self.receivedAt = receivedAt
        self.payload = payload
        self.decision = decision
        self.replayOf = replayOf
    }
}
