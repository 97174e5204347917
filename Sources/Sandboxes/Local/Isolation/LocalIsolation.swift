/// How the local runner contains the commands it runs.
///
/// - ``none``: each command is a plain host process of the server's user (a separate working tree
///   and a clean environment, no isolation: it can read and write whatever the server's user can).
/// - ``bubblewrap(_:)``: each command runs through `bwrap` in its own user, PID, IPC, UTS (and,
///   with ``SandboxNetwork/none``, network) namespaces, sees only the read-only system paths and its
///   own sandbox, and runs under the resource limits of ``BubblewrapSettings/limits``.
///
/// Configuration: `sandbox.local.isolation` (`bubblewrap` or `none`; default `bubblewrap` when a
/// working `bwrap` is found, else `none`).
public enum LocalIsolation: Sendable, Equatable {
    case none
    case bubblewrap(BubblewrapSettings)

    /// `"none"` or `"bubblewrap"`, as in the configuration.
    public var name: String {
        switch self {
        case .none: "none"
        case .bubblewrap: "bubblewrap"
        }
    }
}
