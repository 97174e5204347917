import Foundation

/// The name a Dayshift process goes by in the leases it takes (`issue_objects.owner`) and in its
/// metrics: `host:pid:suffix`, the suffix random per process, so that two containers that both
/// run as pid 1 on hosts of the same name still differ.
public enum ReplicaName {
    /// This process's name, made once.
    public static let current: String = {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(suffix)"
    }()
}
