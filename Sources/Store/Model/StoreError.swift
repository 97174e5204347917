import DayshiftCore

/// Errors of ``Store`` operations beyond GRDB's own.
public enum StoreError: TransientError, Equatable, CustomStringConvertible {
    /// A newer instance of this issue object has activated; this one must stop.
    case leaseLost(issueKey: String, epoch: Int64)

    public var description: String {
        switch self {
        case let .leaseLost(issueKey, epoch): "issue object \(issueKey) (epoch \(epoch)) was superseded by a newer activation"
        }
    }

    /// Always false: a superseded instance stops; retrying would write under a lost lease.
    public var isTransient: Bool { false }
}
