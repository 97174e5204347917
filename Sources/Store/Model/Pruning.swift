/// What one batch of delivery pruning did.
public struct DeliveryPruning: Sendable, Equatable {
    /// Deliveries deleted, with their handled inbox messages.
    public var deletedDeliveries = 0
    /// Deliveries kept because a run still names their message as its trigger, whose payload was
    /// emptied instead.
    public var emptiedPayloads = 0
    /// Inbox messages deleted.
    public var deletedMessages = 0
    public init() {}
    /// Deliveries this batch dealt with; 0 means nothing is left to prune.
    public var examined: Int { deletedDeliveries + emptiedPayloads }
}

/// What one batch of run-journal pruning did.
public struct RunJournalPruning: Sendable, Equatable {
    /// Finished runs whose journal was pruned.
    public var runs = 0
    /// Step rows deleted.
    public var deletedSteps = 0
    /// Fired alarms of those runs deleted.
    public var deletedAlarms = 0
    public init() {}
}
