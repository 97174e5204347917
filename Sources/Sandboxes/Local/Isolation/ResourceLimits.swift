/// Limits applied to each isolated command and everything it starts (`sandbox.local.limits.*`).
///
/// Every value is a maximum; `0` means no limit.
///
/// How each is enforced:
/// - ``memoryBytes``: a per-command memory cgroup (`memory.max`, or `memory.limit_in_bytes` on
///   cgroup v1) when the server can create one; otherwise `RLIMIT_AS` per process (address space,
///   cruder: runtimes that reserve large virtual ranges may fail to start).
/// - ``processes``: a per-command `pids` cgroup (`pids.max`) when the server can create one;
///   otherwise `RLIMIT_NPROC`, which the kernel counts per user namespace and does not enforce at all
///   when the server runs as root (Dayshift warns at start in that case).
/// - ``openFiles``: `RLIMIT_NOFILE` per process.
/// - ``fileSizeBytes``: `RLIMIT_FSIZE` per process (no single file written may grow beyond it; the
///   writer gets `SIGXFSZ` or `EFBIG`); also the size of the private `/tmp`.
public struct ResourceLimits: Sendable, Equatable {
    /// Memory of the whole command in bytes (`sandbox.local.limits.memory_mib` × 1 MiB). Default 8 GiB.
    public var memoryBytes: Int
    /// Processes and threads alive at once in the command (`sandbox.local.limits.processes`). Default 1024.
    public var processes: Int
    /// Open file descriptors per process (`sandbox.local.limits.open_files`). Default 4096.
    public var openFiles: Int
    /// Largest file a process may write, in bytes (`sandbox.local.limits.file_size_mib` × 1 MiB). Default 4 GiB.
    public var fileSizeBytes: Int

    /// - Parameters: see the properties; sizes in bytes, `0` for no limit.
    public init(memoryBytes: Int = 8 << 30, processes: Int = 1024, openFiles: Int = 4096, fileSizeBytes: Int = 4 << 30) {
        self.memoryBytes = memoryBytes
        self.processes = processes
        self.openFiles = openFiles
        self.fileSizeBytes = fileSizeBytes
    }

    /// No limit at all.
    public static let unlimited = ResourceLimits(memoryBytes: 0, processes: 0, openFiles: 0, fileSizeBytes: 0)
}
