import DayshiftCore
import Foundation

/// Which runs ``Store/runs(matching:limit:)`` lists; every condition set must hold.
public struct RunQuery: Sendable, Equatable {
    public var status: RunStatus?
    /// Runs of this repository only (compared case-insensitively, like ``IssueKey``).
    public var repository: RepositoryName?
    /// Runs created at or after this time.
    public var since: Date?
    /// Runs created before this time.
    public var until: Date?
    /// Runs with a smaller id only (the page after one ending at this id).
    public var beforeID: Int64?

    public init(status: RunStatus? = nil, repository: RepositoryName? = nil, since: Date? = nil, until: Date? = nil, beforeID: Int64? = nil) {
        self.status = status
        self.repository = repository
        self.since = since
        self.until = until
        self.beforeID = beforeID
    }
}

/// Which deliveries ``Store/deliveries(matching:limit:)`` lists; every condition set must hold.
public struct DeliveryQuery: Sendable, Equatable {
    /// `X-GitHub-Event`, e.g. `issues`.
    public var event: String?
    /// `true`: acted on; `false`: ignored.
    public var acted: Bool?
    /// `repository.full_name`, compared case-insensitively.
    public var repository: String?
    /// Deliveries stored before the one with this position only (the page after it).
    public var beforePosition: Int64?

    public init(event: String? = nil, acted: Bool? = nil, repository: String? = nil, beforePosition: Int64? = nil) {
        self.event = event
        self.acted = acted
        self.repository = repository
        self.beforePosition = beforePosition
    }
}

/// A stored delivery with its position in arrival order (the cursor of delivery lists).
public struct StoredDelivery: Sendable, Equatable {
    /// Grows with each delivery stored.
    public var position: Int64
    public var delivery: Delivery
}

/// Which issue objects ``Store/issueObjects(matching:limit:)`` lists; every condition set must hold.
public struct IssueObjectQuery: Sendable, Equatable {
    /// Issue objects of this repository only.
    public var repository: RepositoryName?
    /// `true`: with a running run; `false`: without.
    public var running: Bool?
    /// Issue keys after this one (in key order) only: the page after it.
    public var afterKey: String?

    public init(repository: RepositoryName? = nil, running: Bool? = nil, afterKey: String? = nil) {
        self.repository = repository
        self.running = running
        self.afterKey = afterKey
    }
}

/// What the store knows of one issue object: its lease row and its runs.
public struct IssueObjectSummary: Sendable, Equatable {
    /// `owner/repo#number`, as ``IssueKey`` spells it.
    public var issueKey: String
    /// When an owner last took the lease.
    public var activatedAt: Date
    /// How many runs it has had.
    public var runCount: Int
    /// Its newest run, if any.
    public var latestRun: Run?
    /// True when it has a running run.
    public var isRunning: Bool { latestRun?.status == .running }
}
