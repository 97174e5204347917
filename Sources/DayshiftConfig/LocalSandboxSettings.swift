/// `sandbox.local.*` beyond `root`: how the embedded runner contains what it runs.
///
/// | key | type | default | meaning |
/// |---|---|---|---|
/// | `isolation` | `bubblewrap` or `none` | `bubblewrap` where a working `bwrap` exists, else `none` | how commands are contained |
/// | `read_only_paths` | list of absolute paths | ``defaultReadOnlyPaths`` | host directories or files visible read-only |
/// | `writable_paths` | list of absolute paths | none | host paths visible read-write (weakens isolation) |
/// | `hidden_paths` | list of absolute paths | ``defaultHiddenPaths`` | hidden even inside a visible path (`data_dir`, the config file and secret files are always hidden) |
/// | `network` | `host` or `none` | `host` | `none`: no network at all in the sandbox |
/// | `limits.memory_mib` | integer, MiB | 8192 | memory of one command (0: none) |
/// | `limits.processes` | integer | 1024 | processes and threads of one command at once (0: none) |
/// | `limits.open_files` | integer | 4096 | open files per process (0: none) |
/// | `limits.file_size_mib` | integer, MiB | 4096 | largest file a command may write (0: none) |
public struct LocalSandboxSettings: Sendable, Equatable {
    /// `isolation`: `"bubblewrap"`, `"none"`, or `nil` for "bubblewrap when it works here".
    public var isolation: String?
    /// `read_only_paths`.
    public var readOnlyPaths = Self.defaultReadOnlyPaths
    /// `writable_paths`.
    public var writablePaths: [String] = []
    /// `hidden_paths`.
    public var hiddenPaths = Self.defaultHiddenPaths
    /// `network`: `"host"` or `"none"`.
    public var network = "host"
    /// `limits.memory_mib`, MiB.
    public var memoryMiB = 8192
    /// `limits.processes`.
    public var processes = 1024
    /// `limits.open_files`.
    public var openFiles = 4096
    /// `limits.file_size_mib`, MiB.
    public var fileSizeMiB = 4096

    /// The system directories a toolchain usually needs, and the merged-/usr symlinks.
    public static let defaultReadOnlyPaths = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt"]
    /// Files in `/etc` only their owner should read (the sandbox user maps to the server's user).
    public static let defaultHiddenPaths = [
        "/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/ssh", "/etc/ssl/private", "/etc/sudoers", "/etc/sudoers.d",
    ]

    public init() {}
}
