import Foundation

/// The `bwrap` command line for one sandbox command.
///
/// Shape: `bwrap <namespaces> <file system> --chdir <dir> -- <executable> <arguments…>`, with
///
/// - namespaces: `--unshare-user --unshare-pid --unshare-ipc --unshare-uts --unshare-cgroup-try`
///   (`--unshare-net` with ``SandboxNetwork/none``), `--disable-userns`, `--uid`/`--gid`
///   ``BubblewrapSettings/sandboxUserID``, `--hostname dayshift-sandbox`;
/// - file system, in this order: `--proc /proc` (the new PID namespace: only the sandbox's own
///   processes), `--dev /dev`, a private `--tmpfs /tmp`; each read-only path (`--ro-bind-try`, or
///   `--symlink` for a symlink such as `/bin → usr/bin`); each writable path (`--bind-try`); each
///   hidden path that lies inside a visible one (an empty tmpfs for a directory, `/dev/null` for a
///   file); the sandbox's own directories (`--bind`, at their host paths); then `--remount-ro` of the
///   hidden directories and of the sandbox's root.
///
/// Not used, on purpose:
/// - `--die-with-parent`: the kernel ties it to the *thread* that started `bwrap`, and Swift's
///   worker threads come and go, so it kills sandboxes at random (measured: within 10 s of an idle
///   spell). Commands are stopped by process group instead (`ProcessRunner`), and orphans of a
///   crashed server by ``LocalProcessRecords``.
/// - `--new-session`: `ProcessRunner` already starts `bwrap` in a new session without a terminal
///   (so `TIOCSTI` has nothing to inject into), and keeping every sandbox process in that one host
///   process group is what lets the group kill reach them.
/// - `--clearenv`/`--setenv`: `bwrap` is started with exactly the command's environment instead, as
///   values on the command line would be readable by every host user in `/proc/<pid>/cmdline`.
public struct BubblewrapCommand: Sendable, Equatable {
    /// The settings.
    public var settings: BubblewrapSettings
    /// Host directories of this sandbox, bound read-write at the same paths (its home and tmp).
    public var sandboxDirectories: [String]
    /// Absolute working directory inside the sandbox (a host path inside ``sandboxDirectories``).
    public var workingDirectory: String

    public init(settings: BubblewrapSettings, sandboxDirectories: [String], workingDirectory: String) {
        self.settings = settings
        self.sandboxDirectories = sandboxDirectories
        self.workingDirectory = workingDirectory
    }

    /// The arguments after `bwrap` for running `executable` with `arguments`.
    /// Reads the file system (which paths exist, which are symlinks) when called.
    public func arguments(executable: String, _ arguments: [String]) -> [String] {
        let uid = String(settings.sandboxUserID)
        var result = [
            "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--disable-userns", "--uid", uid, "--gid", uid, "--hostname", "dayshift-sandbox",
        ]
        if settings.network == .none { result.append("--unshare-net") }
        result += ["--proc", "/proc", "--dev", "/dev"]
        if settings.limits.fileSizeBytes > 0 { result += ["--size", String(settings.limits.fileSizeBytes)] }
        result += ["--tmpfs", "/tmp"]
        var visible: [String] = []
        for path in settings.readOnlyPaths.map(SandboxPathResolver.normalize) {
            if let target = Self.symlinkTarget(path) {
                result += ["--symlink", target, path]
            } else {
                result += ["--ro-bind-try", path, path]
                visible.append(path)
            }
        }
        for path in settings.writablePaths.map(SandboxPathResolver.normalize) {
            result += ["--bind-try", path, path]
            visible.append(path)
        }
        var hiddenDirectories: [String] = []
        for path in settings.hiddenPaths.map(SandboxPathResolver.normalize)
        where visible.contains(where: { SandboxPathResolver.isInside(path, $0) }) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                result += ["--size", "65536", "--tmpfs", path]
                hiddenDirectories.append(path)
            } else {
                result += ["--ro-bind", "/dev/null", path]
            }
        }
        for directory in sandboxDirectories {
            result += ["--bind", directory, directory]
        }
        for directory in hiddenDirectories {
            result += ["--remount-ro", directory]
        }
        // bwrap's own root (a tmpfs holding the mount points) is writable until this.
        result += ["--remount-ro", "/", "--chdir", workingDirectory, "--", executable]
        return result + arguments
    }

    /// The target of `path` when it is a symlink (as written, e.g. `usr/bin`), else `nil`.
    static func symlinkTarget(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeSymbolicLink
        else { return nil }
        return try? FileManager.default.destinationOfSymbolicLink(atPath: path)
    }
}
