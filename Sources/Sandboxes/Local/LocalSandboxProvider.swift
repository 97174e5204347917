import Foundation
import Logging
import Synchronization

/// The embedded sandbox provider (`kind == "local"`): each sandbox is a directory on the server's
/// own machine, and commands run as host processes.
///
/// Layout: `<root>/<id>/home` is the home directory (where relative paths start), `<root>/<id>/tmp`
/// is `TMPDIR`, `<root>/<id>/sandbox.json` holds the metadata (see `LocalSandboxStore`). `id` is a
/// lowercase UUID.
///
/// With ``LocalIsolation/bubblewrap(_:)`` every command runs through `bwrap` (see
/// ``BubblewrapCommand``): it sees the read-only system paths, its own home and tmp (at their host
/// paths) and a private `/tmp`, only its own processes, none of the server's files, and runs under
/// ``ResourceLimits``. With ``LocalIsolation/none`` commands are plain processes of the server's
/// user: a separate working tree and a clean environment, not isolation.
public final class LocalSandboxProvider: SandboxProvider {
    /// `"local"`.
    public let kind = "local"
    /// The directory holding one subdirectory per sandbox.
    public let rootDirectory: URL
    /// Deadline of ``gitClone(in:_:)`` in seconds.
    public let cloneTimeoutSeconds: Double
    /// How commands are contained.
    public let isolation: LocalIsolation
    /// Where per-command control groups are made (bubblewrap only).
    public let cgroups: CgroupSupport

    let store: LocalSandboxStore
    private let runner: ProcessRunner
    private let launcher: IsolatedLauncher?
    private let processes: LocalProcessRecords
    private let logger: Logger
    /// The server's `PATH`, the only variable commands inherit from the server.
    private let hostPath: String
    /// Serialises the name-uniqueness check with the creation it guards.
    private let creation = Mutex(())

    /// - Parameters:
    ///   - rootDirectory: where sandboxes live; created on the first ``create(_:)``.
    ///   - logger: receives one line per created/deleted sandbox, command and clone (never credentials
    ///     or environment values).
    ///   - cloneTimeoutSeconds: deadline of each ``gitClone(in:_:)``, in seconds (default 600).
    ///   - runner: runs the processes; its grace period applies at every teardown.
    ///   - isolation: how commands are contained (default ``LocalIsolation/none``; the server picks
    ///     `bubblewrap` where it works, see `sandbox.local.isolation`).
    ///   - cgroups: where per-command control groups can be made (detected once by the caller with
    ///     ``CgroupSupport/detect(root:)``); only used with bubblewrap.
    public init(
        rootDirectory: URL, logger: Logger, cloneTimeoutSeconds: Double = 600, runner: ProcessRunner = ProcessRunner(),
        isolation: LocalIsolation = .none, cgroups: CgroupSupport = .unavailable
    ) {
        self.rootDirectory = rootDirectory.absoluteURL.standardizedFileURL
        self.logger = logger
        self.cloneTimeoutSeconds = cloneTimeoutSeconds
        self.runner = runner
        self.isolation = isolation
        self.cgroups = cgroups
        self.store = LocalSandboxStore(root: self.rootDirectory, logger: logger)
        self.processes = LocalProcessRecords(store: store)
        let hostPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        self.hostPath = hostPath
        if case .bubblewrap(var settings) = isolation {
            // Whatever the operator lists, the sandbox root itself (every other sandbox) stays hidden.
            settings.hiddenPaths.append(self.rootDirectory.path)
            launcher = IsolatedLauncher(
                settings: settings, cgroups: cgroups, prlimit: BubblewrapProbe.locatePrlimit(searchPath: hostPath))
        } else {
            launcher = nil
        }
    }

    // MARK: - Lifecycle

    /// Creates `<root>/<id>/` with `home/`, `tmp/` and `sandbox.json`, all at once, in state `started`.
    ///
    /// Mirrors Daytona's `POST /sandbox` (the sandbox is started when this returns). An empty name
    /// becomes the id, as on Daytona. ``SandboxCreateRequest/snapshot`` is ignored. `createdAt` has
    /// whole-second precision so it survives the round trip through `sandbox.json` unchanged.
    /// - Throws: ``SandboxError/createFailed(_:)`` when a live sandbox already has that name
    ///   (`"sandbox with name X already exists"`) or the directories cannot be written.
    public func create(_ request: SandboxCreateRequest) async throws -> Sandbox {
        let id = UUID().uuidString.lowercased()
        let name = request.name.isEmpty ? id : request.name
        let sandbox = Sandbox(
            id: id, name: name, labels: request.labels, state: "started",
            homeDirectory: store.homeDirectory(of: id).path,
            createdAt: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        try creation.withLock { _ throws(SandboxError) in
            if store.all().contains(where: { $0.sandbox.name == name }) {
                throw SandboxError.createFailed("sandbox with name \(name) already exists")
            }
            do {
                try store.create(LocalSandboxRecord(sandbox: sandbox, environment: request.environment))
            } catch let error as SandboxError {
                throw error
            } catch {
                throw SandboxError.createFailed("\(error)")
            }
        }
        logger.info("sandbox created", metadata: ["sandbox.id": "\(id)", "sandbox.name": "\(name)"])
        return sandbox
    }

    /// The sandboxes carrying every one of `labels` (an empty map matches all), oldest first.
    /// Mirrors `GET /sandbox?labels=<json>`. Directories without valid metadata are skipped (logged).
    public func find(labels: [String: String]) async throws -> [Sandbox] {
        store.all().map(\.sandbox).filter { sandbox in
            labels.allSatisfy { sandbox.labels[$0.key] == $0.value }
        }
    }

    /// The sandbox with this id, or `nil` (also for an id that is not a lowercase UUID, or a directory
    /// without valid metadata). Mirrors `GET /sandbox/{id}` (404 → `nil`).
    public func get(id: String) async throws -> Sandbox? {
        store.load(id)?.sandbox
    }

    /// Removes `<root>/<id>/` and everything in it; a missing sandbox is a success. The directory is
    /// first renamed away, so the name is free again at once. Mirrors `DELETE /sandbox/{id}`.
    ///
    /// Commands still running in the sandbox are not stopped (cancel their tasks for that).
    /// - Throws: the file-system error when the directory cannot be removed.
    public func delete(id: String) async throws {
        try store.remove(id)
        logger.info("sandbox deleted", metadata: ["sandbox.id": "\(id)"])
    }

    // MARK: - Process

    /// Runs `/bin/sh -c <command>` and returns its exit code and the tail of its combined output.
    /// Mirrors the toolbox's `POST /process/execute`, with the deadline handled as described below.
    ///
    /// - Working directory: ``SandboxCommand/workingDirectory`` against the home directory
    ///   (absolute paths as they are); the home directory when `nil`.
    /// - Environment, later entries winning: `PATH` (the server's), `HOME` (the sandbox home),
    ///   `LANG=C.UTF-8`, `TMPDIR` (`<root>/<id>/tmp`), and with bubblewrap `TERM=dumb`; then the
    ///   sandbox's creation environment; then ``SandboxCommand/environment``. Nothing else is
    ///   inherited from the server.
    /// - Isolation: see ``isolation``; with bubblewrap, a limit the command ran into adds a line
    ///   `dayshift: the command reached sandbox.local.limits.…` to the output and makes a zero exit
    ///   code 1. Commands left running by a crashed server are killed before the next one starts.
    /// - Deadline: after ``SandboxCommand/timeoutSeconds`` seconds (none when `<= 0`) the whole process
    ///   group gets `SIGTERM`, then `SIGKILL` 2 s later; the result has exit code `124` and
    ///   `timedOut == true` (Daytona answers 408 instead). Output is at most
    ///   ``SandboxCommand/outputLimitBytes`` bytes, the end of it.
    /// - Cancelling the calling task kills the process group and throws `CancellationError`.
    /// - Background processes left behind by the command are killed when it ends (see ``ProcessRunner``).
    /// - Throws: ``SandboxError/notFound(_:)`` when the sandbox does not exist,
    ///   ``SandboxError/commandFailedToStart(_:)`` when the shell cannot start (e.g. a missing working
    ///   directory), `CancellationError`.
    public func execute(in sandboxID: String, _ command: SandboxCommand) async throws -> CommandResult {
        let record = try requireRecord(sandboxID)
        let home = store.homeDirectory(of: sandboxID).path
        let workingDirectory = command.workingDirectory.map { resolver(for: sandboxID).absolute($0) } ?? home
        var environment = baseEnvironment(of: sandboxID)
        environment.merge(record.environment) { _, new in new }
        environment.merge(command.environment) { _, new in new }
        logger.debug(
            "executing command",
            metadata: ["sandbox.id": "\(sandboxID)", "command": "\(command.command)", "cwd": "\(workingDirectory)"])
        let result = try await run(
            in: sandboxID, executable: "/bin/sh", arguments: ["-c", command.command], environment: environment,
            workingDirectory: workingDirectory, timeoutSeconds: command.timeoutSeconds,
            outputLimitBytes: command.outputLimitBytes)
        logger.info(
            "command finished",
            metadata: [
                "sandbox.id": "\(sandboxID)", "exit_code": "\(result.exitCode)", "timed_out": "\(result.timedOut)",
                "duration_s": "\(String(format: "%.3f", result.durationSeconds))",
            ])
        return result
    }

    /// Runs one command of the sandbox, isolated when configured, with its process group recorded
    /// for as long as it runs (after stopping the orphans of a crashed server).
    private func run(
        in sandboxID: String, executable: String, arguments: [String], environment: [String: String],
        workingDirectory: String, timeoutSeconds: Double, outputLimitBytes: Int
    ) async throws -> CommandResult {
        let orphans = processes.killOrphans(sandbox: sandboxID)
        if orphans > 0 {
            logger.warning(
                "stopped commands left running by an earlier server", metadata: ["sandbox.id": "\(sandboxID)", "count": "\(orphans)"])
        }
        let records = processes
        let onStart: @Sendable (Int32) -> Void = { pid in records.record(pid, sandbox: sandboxID) }
        guard let launcher else {
            let pid = PidBox()
            defer { pid.value.map { records.remove($0, sandbox: sandboxID) } }
            return try await runner.run(
                ProcessRunner.Invocation(
                    executable: executable, arguments: arguments, environment: environment,
                    workingDirectory: workingDirectory, timeoutSeconds: timeoutSeconds, outputLimitBytes: outputLimitBytes),
                onStart: { pid.value = $0; onStart($0) })
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: workingDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SandboxError.commandFailedToStart("working directory \(workingDirectory) is not usable")
        }
        var isolatedEnvironment = environment
        isolatedEnvironment["TERM"] = "dumb"
        let (invocation, groups) = launcher.prepare(
            executable: executable, arguments: arguments, environment: isolatedEnvironment,
            workingDirectory: workingDirectory,
            sandboxDirectories: [store.homeDirectory(of: sandboxID).path, store.tmpDirectory(of: sandboxID).path],
            timeoutSeconds: timeoutSeconds, outputLimitBytes: outputLimitBytes)
        let pid = PidBox()
        let result: CommandResult
        do {
            result = try await runner.run(invocation, onStart: { pid.value = $0; onStart($0) })
        } catch {
            await groups.remove()
            pid.value.map { records.remove($0, sandbox: sandboxID) }
            throw error
        }
        pid.value.map { records.remove($0, sandbox: sandboxID) }
        return await launcher.finish(result, groups: groups)
    }

    // MARK: - Git

    /// Runs `git clone --single-branch [--branch=<branch>] -- <url> <path>` (an argument array, no
    /// shell) with the sandbox's environment. Mirrors the toolbox's `POST /git/clone`.
    ///
    /// The clone runs as the server itself, outside any isolation (so `file://` remotes and the
    /// server's network work as before); it never runs code from the repository or the sandbox:
    /// hooks are off (`core.hooksPath=/dev/null`), the sandbox's own git configuration is ignored
    /// (`GIT_CONFIG_GLOBAL=/dev/null`), and the askpass helper lives outside the sandbox's reach.
    /// Every later command runs inside the sandbox.
    ///
    /// `url` may be `https://…`, `file://…` or a plain path. ``GitCloneRequest/path`` is resolved
    /// against the home directory and must stay inside the sandbox. Credentials are used only when
    /// both username and password are set; they reach git through a one-shot `GIT_ASKPASS` script
    /// reading environment variables (``GitCredentialEnvironment``), with `credential.helper` cleared
    /// and `GIT_TERMINAL_PROMPT=0`, so they never appear on a command line, on disk, in the clone's
    /// config, in logs or in errors. The `ext::` transport is refused. Deadline: ``cloneTimeoutSeconds``.
    /// - Throws: ``SandboxError/notFound(_:)``, ``SandboxError/invalidPath(_:)`` when `path` escapes
    ///   the sandbox, ``SandboxError/gitFailed(_:)`` with the last lines of git's output (credentials
    ///   and URL user-info replaced by `***`), `CancellationError`.
    public func gitClone(in sandboxID: String, _ request: GitCloneRequest) async throws {
        let record = try requireRecord(sandboxID)
        let destination = try resolver(for: sandboxID).contained(request.path)
        let credentials: GitCredentialEnvironment
        do {
            credentials = try GitCredentialEnvironment.prepare(
                username: request.username, password: request.password, in: store.directory(of: sandboxID))
        } catch {
            throw SandboxError.gitFailed("cannot prepare the credential helper")
        }
        defer { credentials.remove() }

        var arguments = [
            "-c", "credential.helper=", "-c", "protocol.ext.allow=never", "-c", "core.hooksPath=/dev/null",
            "clone", "--single-branch",
        ]
        if let branch = request.branch, !branch.isEmpty { arguments.append("--branch=\(branch)") }
        arguments += ["--", request.url, destination]
        var environment = baseEnvironment(of: sandboxID)
        environment.merge(record.environment) { _, new in new }
        environment.merge(credentials.environment) { _, new in new }
        // `$HOME/.gitconfig` is the sandbox's to write: never let it configure the server's git.
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"

        let safeURL = credentials.redact(request.url)
        logger.info(
            "cloning", metadata: ["sandbox.id": "\(sandboxID)", "url": "\(safeURL)", "path": "\(request.path)"])
        let result: CommandResult
        do {
            result = try await runner.run(
                ProcessRunner.Invocation(
                    executable: "git", arguments: arguments, environment: environment,
                    workingDirectory: store.homeDirectory(of: sandboxID).path,
                    timeoutSeconds: cloneTimeoutSeconds, outputLimitBytes: 16 * 1024))
        } catch let error as SandboxError {
            throw SandboxError.gitFailed(credentials.redact(error.description))
        }
        guard result.exitCode == 0 else {
            var message = credentials.redact(result.lastLines(20)).trimmingCharacters(in: .whitespacesAndNewlines)
            if result.timedOut {
                message = "git clone timed out after \(cloneTimeoutSeconds) s" + (message.isEmpty ? "" : ": \(message)")
            } else if message.isEmpty {
                message = "git clone exited with code \(result.exitCode)"
            }
            logger.warning("clone failed", metadata: ["sandbox.id": "\(sandboxID)", "url": "\(safeURL)"])
            throw SandboxError.gitFailed(message)
        }
    }

    // MARK: - Files

    /// Writes `contents` to `path` (replacing the file atomically), creating parent directories.
    /// Mirrors the toolbox's `POST /files/upload`.
    /// - Throws: ``SandboxError/notFound(_:)``; ``SandboxError/invalidPath(_:)`` when `path` escapes
    ///   the sandbox directory (after `..` and symlinks), names its `sandbox.json`, or is a directory;
    ///   the file-system error when writing fails.
    public func uploadFile(in sandboxID: String, path: String, contents: Data) async throws {
        _ = try requireRecord(sandboxID)
        let target = URL(fileURLWithPath: try resolver(for: sandboxID).contained(path))
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw SandboxError.invalidPath(path)
        }
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: target, options: .atomic)
    }

    /// Reads the file at `path`. Mirrors the toolbox's `GET /files/download`.
    /// - Throws: ``SandboxError/notFound(_:)``; ``SandboxError/invalidPath(_:)`` when `path` escapes
    ///   the sandbox directory (after `..` and symlinks); ``SandboxError/fileNotFound(_:)`` when there
    ///   is no file there (a directory counts as no file).
    public func downloadFile(in sandboxID: String, path: String) async throws -> Data {
        _ = try requireRecord(sandboxID)
        let target = try resolver(for: sandboxID).contained(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw SandboxError.fileNotFound(path)
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: target))
        } catch {
            throw SandboxError.fileNotFound(path)
        }
    }

    // MARK: - Helpers

    private func requireRecord(_ id: String) throws(SandboxError) -> LocalSandboxRecord {
        guard let record = store.load(id) else { throw SandboxError.notFound(id) }
        // Commands expect TMPDIR to exist even if an earlier one removed it.
        try? FileManager.default.createDirectory(at: store.tmpDirectory(of: id), withIntermediateDirectories: true)
        return record
    }

    private func resolver(for id: String) -> SandboxPathResolver {
        SandboxPathResolver(
            sandboxDirectory: SandboxPathResolver.normalize(store.directory(of: id).path),
            homeDirectory: SandboxPathResolver.normalize(store.homeDirectory(of: id).path))
    }

    private func baseEnvironment(of id: String) -> [String: String] {
        [
            "PATH": hostPath,
            "HOME": store.homeDirectory(of: id).path,
            "LANG": "C.UTF-8",
            "TMPDIR": store.tmpDirectory(of: id).path,
        ]
    }
}

/// The pid of a started command, set from the runner's start callback.
private final class PidBox: Sendable {
    private let storage = Mutex<Int32?>(nil)
    var value: Int32? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
