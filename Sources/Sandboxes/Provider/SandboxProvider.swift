import Foundation

/// Where Dayshift's sandboxes come from: the embedded local runner, or Daytona.
///
/// The shape follows Daytona's REST and toolbox APIs (`../shared/reference/daytona.md`) so that each
/// method maps onto one Daytona call:
///
/// | method | Daytona |
/// |---|---|
/// | ``create(_:)`` | `POST /sandbox`, then poll `GET /sandbox/{id}` until `started` |
/// | ``find(labels:)`` | `GET /sandbox?labels=<json>` |
/// | ``get(id:)`` | `GET /sandbox/{idOrName}` (404 → `nil`) |
/// | ``delete(id:)`` | `DELETE /sandbox/{idOrName}` (404 → success) |
/// | ``execute(in:_:)`` | toolbox `POST /process/execute` |
/// | ``gitClone(in:_:)`` | toolbox `POST /git/clone` |
/// | ``uploadFile(in:path:contents:)`` | toolbox `POST /files/upload` |
/// | ``downloadFile(in:path:)`` | toolbox `GET /files/download` |
///
/// Paths inside a sandbox are relative to the sandbox user's home directory
/// (``Sandbox/homeDirectory``) unless they start with `/`.
public protocol SandboxProvider: Sendable {
    /// A short name for logs and the run journal, e.g. `local` or `daytona`.
    var kind: String { get }

    /// Creates a sandbox and returns once it is started.
    /// - Throws: ``SandboxError`` when the sandbox cannot be created or does not start.
    func create(_ request: SandboxCreateRequest) async throws -> Sandbox

    /// Sandboxes carrying every one of `labels` (an empty map matches all).
    func find(labels: [String: String]) async throws -> [Sandbox]

    /// The sandbox with this id, or `nil` when it does not exist (any more).
    func get(id: String) async throws -> Sandbox?

    /// Deletes the sandbox and everything in it. Deleting one that does not exist succeeds.
    func delete(id: String) async throws

    /// Runs `command` through `/bin/sh -c` inside the sandbox and waits for it to end or for its
    /// deadline. A non-zero exit code is a result, not an error.
    /// - Throws: ``SandboxError/notFound(_:)`` when the sandbox is gone,
    ///   ``SandboxError/commandFailedToStart(_:)`` when the shell cannot be started.
    func execute(in sandboxID: String, _ command: SandboxCommand) async throws -> CommandResult

    /// Clones a git repository into `request.path` inside the sandbox.
    /// - Throws: ``SandboxError/gitFailed(_:)`` with git's own message (credentials removed).
    func gitClone(in sandboxID: String, _ request: GitCloneRequest) async throws

    /// Writes `contents` to `path`, creating parent directories.
    func uploadFile(in sandboxID: String, path: String, contents: Data) async throws

    /// Reads the file at `path`.
    /// - Throws: ``SandboxError/fileNotFound(_:)`` when there is no such file.
    func downloadFile(in sandboxID: String, path: String) async throws -> Data
}

/// What to create: Daytona's `CreateSandbox` body, reduced to what Dayshift sets.
public struct SandboxCreateRequest: Sendable, Equatable {
    /// A deterministic name (unique among live sandboxes), e.g. `dayshift-octo-hello-42-r1`.
    public var name: String
    /// Labels to find the sandbox again, e.g. `dayshift.managed=true`, `dayshift.run=<id>`.
    public var labels: [String: String]
    /// Environment variables set for every command in the sandbox.
    public var environment: [String: String]
    /// Daytona snapshot name; ignored by the local runner.
    public var snapshot: String?

    public init(name: String, labels: [String: String], environment: [String: String] = [:], snapshot: String? = nil) {
        self.name = name
        self.labels = labels
        self.environment = environment
        self.snapshot = snapshot
    }
}

/// A sandbox as the provider reports it (Daytona's `Sandbox` DTO, reduced).
public struct Sandbox: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var labels: [String: String]
    /// Daytona's `state`: `started`, `stopped`, `error`, …
    public var state: String
    /// Absolute path of the sandbox user's home directory, where relative paths start.
    public var homeDirectory: String
    public var createdAt: Date

    public init(id: String, name: String, labels: [String: String], state: String, homeDirectory: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.labels = labels
        self.state = state
        self.homeDirectory = homeDirectory
        self.createdAt = createdAt
    }
}

/// One command for ``SandboxProvider/execute(in:_:)`` (Daytona's `ExecuteRequest`).
public struct SandboxCommand: Sendable, Equatable {
    /// A shell command line written by the operator (config) or by Dayshift; never issue text.
    public var command: String
    /// Working directory, relative to the home directory unless absolute.
    public var workingDirectory: String?
    /// Extra environment variables for this command.
    public var environment: [String: String]
    /// Deadline in seconds; the process group is terminated (then killed) when it passes.
    public var timeoutSeconds: Double
    /// How many bytes of the end of the combined stdout/stderr to keep.
    public var outputLimitBytes: Int

    public init(
        _ command: String, workingDirectory: String? = nil, environment: [String: String] = [:],
        timeoutSeconds: Double = 600, outputLimitBytes: Int = 64 * 1024
    ) {
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.timeoutSeconds = timeoutSeconds
        self.outputLimitBytes = outputLimitBytes
    }
}

/// How a command ended (Daytona's `ExecuteResponse`: `exitCode`, `result`).
public struct CommandResult: Sendable, Equatable, Codable {
    /// The exit code, or `128 + signal` when killed by a signal; `124` when the deadline passed.
    public var exitCode: Int32
    /// The last ``SandboxCommand/outputLimitBytes`` bytes of combined stdout and stderr, as UTF-8
    /// (invalid sequences repaired).
    public var output: String
    /// True when output was dropped from the front to respect the limit.
    public var outputTruncated: Bool
    /// True when the deadline passed and the command was stopped.
    public var timedOut: Bool
    /// Wall-clock duration in seconds.
    public var durationSeconds: Double

    public init(exitCode: Int32, output: String, outputTruncated: Bool = false, timedOut: Bool = false, durationSeconds: Double = 0) {
        self.exitCode = exitCode
        self.output = output
        self.outputTruncated = outputTruncated
        self.timedOut = timedOut
        self.durationSeconds = durationSeconds
    }

    /// The last `count` lines of ``output``.
    public func lastLines(_ count: Int) -> String {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        let trimmed = lines.last == "" ? lines.dropLast() : lines[...]
        return trimmed.suffix(count).joined(separator: "\n")
    }
}

/// Daytona's `GitCloneRequest`, reduced.
public struct GitCloneRequest: Sendable, Equatable {
    public var url: String
    /// Destination, relative to the home directory unless absolute.
    public var path: String
    public var branch: String?
    /// HTTPS credentials; sent in the request body, never on a command line or in a log.
    public var username: String?
    public var password: String?

    public init(url: String, path: String, branch: String? = nil, username: String? = nil, password: String? = nil) {
        self.url = url
        self.path = path
        self.branch = branch
        self.username = username
        self.password = password
    }
}
