/// Proof that an issue object is the live instance for its issue: the epoch it got when it
/// activated. Every journal write checks it in the same transaction, so an older instance (in
/// this process or another one on the same database) can no longer write once a newer one
/// activated.
public struct IssueLease: Sendable, Equatable {
    /// `owner/repo#number`.
    public var issueKey: String
    /// Increases by one at each activation.
    public var epoch: Int64

    public init(issueKey: String, epoch: Int64) {
        self.issueKey = issueKey
        self.epoch = epoch
    }
}
