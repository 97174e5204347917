/// What an isolated command may see and use (``LocalIsolation/bubblewrap(_:)``).
///
/// Configuration keys (see `Config/dayshift.yaml`):
///
/// | key | type | default | meaning |
/// |---|---|---|---|
/// | `sandbox.local.read_only_paths` | list of absolute paths | ``defaultReadOnlyPaths`` | host paths visible read-only (directories or single files; missing ones skipped) |
/// | `sandbox.local.writable_paths` | list of absolute paths | none | host paths visible read-write (e.g. a local bare repository used as the remote) |
/// | `sandbox.local.hidden_paths` | list of absolute paths | ``defaultHiddenPaths`` | paths replaced by an empty directory or file even when a visible path contains them |
/// | `sandbox.local.network` | `host` or `none` | `host` | see ``SandboxNetwork`` |
/// | `sandbox.local.limits.*` | integers | see ``ResourceLimits`` | per-command limits |
public struct BubblewrapSettings: Sendable, Equatable {
    /// Absolute path of the `bwrap` executable.
    public var executable: String
    /// Host paths bound read-only at the same place. A symlink (such as `/bin → usr/bin` on a
    /// merged-/usr system) is recreated as the same symlink.
    public var readOnlyPaths: [String]
    /// Host paths bound read-write at the same place. Each one weakens the isolation.
    public var writablePaths: [String]
    /// Paths hidden even inside the visible ones: the server's data directory, configuration file
    /// and secret files (the server adds those), and the ``defaultHiddenPaths``.
    public var hiddenPaths: [String]
    /// See ``SandboxNetwork``.
    public var network: SandboxNetwork
    /// See ``ResourceLimits``.
    public var limits: ResourceLimits
    /// The user and group id commands run as inside the sandbox. The server's own user (owner of
    /// the sandbox directory) appears as this id, so the sandbox stays writable. Default 1000.
    public var sandboxUserID: Int

    /// The system directories a toolchain usually needs, and the merged-/usr symlinks.
    public static let defaultReadOnlyPaths = [
        "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt",
    ]

    /// Files in `/etc` that only their owner should read (hashed passwords, host keys, TLS keys):
    /// when the server runs as root, the sandbox user maps to root and would otherwise read them.
    public static let defaultHiddenPaths = [
        "/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/ssh", "/etc/ssl/private",
        "/etc/sudoers", "/etc/sudoers.d",
    ]

    /// - Parameters: see the properties.
    public init(
        executable: String, readOnlyPaths: [String] = Self.defaultReadOnlyPaths, writablePaths: [String] = [],
        hiddenPaths: [String] = Self.defaultHiddenPaths, network: SandboxNetwork = .host,
        limits: ResourceLimits = ResourceLimits(), sandboxUserID: Int = 1000
    ) {
        self.executable = executable
        self.readOnlyPaths = readOnlyPaths
        self.writablePaths = writablePaths
        self.hiddenPaths = hiddenPaths
        self.network = network
        self.limits = limits
        self.sandboxUserID = sandboxUserID
    }
}
