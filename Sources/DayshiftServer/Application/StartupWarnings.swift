import DayshiftConfig
import Sandboxes

/// What an operator should know about the sandboxes at start, one line each.
enum StartupWarnings {
    /// Warnings about the local runner's isolation; empty for other providers.
    /// - Parameters:
    ///   - isolation: the local runner's isolation, or `nil` when the provider is not local.
    ///   - cgroups: where per-command control groups can be made.
    ///   - runningAsRoot: whether the server's effective user id is 0.
    static func sandbox(isolation: LocalIsolation?, cgroups: CgroupSupport, runningAsRoot: Bool) -> [String] {
        switch isolation {
        case nil:
            return []
        case .none?:
            return [
                "sandbox.local.isolation is none: the agent and the repository's tests run as this server's user and can read "
                    + "its environment (webhook secret, GitHub token), data_dir (the database) and any file it can, "
                    + "with no resource limits; install bubblewrap to contain them"
            ]
        case .bubblewrap(let settings)?:
            var warnings: [String] = []
            if settings.limits.processes > 0, cgroups.pidsParent == nil, runningAsRoot {
                warnings.append(
                    "sandbox.local.limits.processes is not enforced: no writable pids cgroup, and RLIMIT_NPROC does not apply to root")
            }
            if settings.limits.memoryBytes > 0, cgroups.memoryParent == nil {
                warnings.append(
                    "sandbox.local.limits.memory_mib falls back to an address-space limit per process (no writable memory cgroup)")
            }
            return warnings
        }
    }
}
