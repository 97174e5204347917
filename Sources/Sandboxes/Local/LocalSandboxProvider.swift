import Foundation
import Logging
import Synchronization

/// The embedded sandbox provider (`kind == "local"`): each sandbox is a directory on the server's
/// own machine, and commands run as host processes of the server's user.
///
/// Layout: `<root>/<id>/home` is the home directory (where relative paths start), `<root>/<id>/tmp`
/// is `TMPDIR`, `<root>/<id>/sandbox.json` holds the metadata (see `LocalSandboxStore`). `id` is a
/// lowercase UUID.
///
/// This gives a separate working tree and a clean environment, not isolation: commands can read and
/// write anything the server's user can. Use Daytona to contain untrusted code.
public final class LocalSandboxProvider: SandboxProvider {
    /// `"local"`.
    public let kind = "local"
    /// The directory holding one subdirectory per sandbox.
    public let rootDirectory: URL
    /// Deadline of ``gitClone(in:_:)`` in seconds.
    public let cloneTimeoutSeconds: Double

    let store: LocalSandboxStore
    private let runner: ProcessRunner
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
    public init(
        rootDirectory: URL, logger: Logger, cloneTimeoutSeconds: Double = 600, runner: ProcessRunner = ProcessRunner()
    ) {
        self.rootDirectory = rootDirectory.absoluteURL.standardizedFileURL
        self.logger = logger
        self.cloneTimeoutSeconds = cloneTimeoutSeconds
        self.runner = runner
        self.store = LocalSandboxStore(root: self.rootDirectory, logger: logger)
        self.hostPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
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
    ///   `LANG=C.UTF-8`, `TMPDIR` (`<root>/<id>/tmp`); then the sandbox's creation environment; then
    ///   ``SandboxCommand/environment``. Nothing else is inherited from the server.
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
        let result = try await runner.run(
            ProcessRunner.Invocation(
                executable: "/bin/sh", arguments: ["-c", command.command], environment: environment,
                workingDirectory: workingDirectory, timeoutSeconds: command.timeoutSeconds,
                outputLimitBytes: command.outputLimitBytes))
        logger.info(
            "command finished",
            metadata: [
                "sandbox.id": "\(sandboxID)", "exit_code": "\(result.exitCode)", "timed_out": "\(result.timedOut)",
                "duration_s": "\(String(format: "%.3f", result.durationSeconds))",
            ])
        return result
    }

    // MARK: - Git

    /// Runs `git clone --single-branch [--branch=<branch>] -- <url> <path>` (an argument array, no
    /// shell) with the sandbox's environment. Mirrors the toolbox's `POST /git/clone`.
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
                username: request.username, password: request.password, in: store.tmpDirectory(of: sandboxID))
        } catch {
            throw SandboxError.gitFailed("cannot prepare the credential helper")
        }
        defer { credentials.remove() }

        var arguments = ["-c", "credential.helper=", "-c", "protocol.ext.allow=never", "clone", "--single-branch"]
        if let branch = request.branch, !branch.isEmpty { arguments.append("--branch=\(branch)") }
        arguments += ["--", request.url, destination]
        var environment = baseEnvironment(of: sandboxID)
        environment.merge(record.environment) { _, new in new }
        environment.merge(credentials.environment) { _, new in new }

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
