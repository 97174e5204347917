import Foundation

/// One activation of an issue object, as the lease history keeps it (table `issue_object_leases`):
/// who held the issue object and for how long. Two terms of one issue never overlap: a replica
/// takes a lease only once the previous term was released or had expired.
public struct LeaseTerm: Sendable, Equatable {
    /// `owner/repo#number`.
    public var issueKey: String
    /// The activation's epoch (``IssueLease/epoch``).
    public var epoch: Int64
    /// The replica that held it (`host:pid:suffix`).
    public var owner: String
    public var acquiredAt: Date
    /// When the lease runs out unless renewed; nil for a lease on a store only one server uses.
    public var expiresAt: Date?
    /// When its replica gave it back (idle, or shutting down); nil if it never did (it expired,
    /// or is still held).
    public var releasedAt: Date?

    public init(issueKey: String, epoch: Int64, owner: String, acquiredAt: Date, expiresAt: Date?, releasedAt: Date?) {
        self.issueKey = issueKey
        self.epoch = epoch
        self.owner = owner
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
        self.releasedAt = releasedAt
    }

    /// When the term ended for certain: its release, or else its expiry (nil: it has not ended,
    /// or it has no expiry).
    public var endedAt: Date? {
        switch (releasedAt, expiresAt) {
        case let (released?, expires?): min(released, expires)
        case let (released?, nil): released
        case let (nil, expires): expires
        }
    }
}
