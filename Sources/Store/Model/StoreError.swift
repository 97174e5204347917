import Foundation
import DayshiftCore

/// Errors of ``Store`` operations beyond GRDB's own.
public enum StoreError: TransientError, Equatable, CustomStringConvertible {
    /// A newer instance of this issue object has activated; this one must stop.
    case leaseLost(issueKey: String, epoch: Int64)
    /// Another replica holds a live lease on this issue object (until `until`); this one must
    /// leave the issue object to it.
    case leaseHeld(issueKey: String, owner: String, until: Date)

    public var description: String {
        switch self {
        case let .leaseLost(issueKey, epoch): "issue object \(issueKey) (epoch \(epoch)) was superseded by a newer activation"
        case let .leaseHeld(issueKey, owner, until):
            "issue object \(issueKey) is held by replica \(owner) until \(until.formatted(.iso8601))"
        }
    }

    /// Always false: a superseded instance stops (retrying would write under a lost lease), and a
    /// lease held elsewhere is the other replica's to use.
    public var isTransient: Bool { false }
}
