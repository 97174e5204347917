import DayshiftCore

/// Errors of every sandbox provider. Messages never hold credentials.
public enum SandboxError: TransientError, Equatable, CustomStringConvertible {
    /// No sandbox with this id (it was deleted, or never existed).
    case notFound(String)
    /// The provider could not make a usable sandbox (no answer, no capacity, it did not start).
    case createFailed(String)
    /// The provider refused its credentials (Daytona's 401/403); the reason names the setting to fix.
    case credentialsRejected(String)
    /// A command could not be started in the sandbox.
    case commandFailedToStart(String)
    /// A git operation the provider runs (clone) failed.
    case gitFailed(String)
    /// The file to read does not exist.
    case fileNotFound(String)
    /// The path leaves the sandbox's home.
    case invalidPath(String)

    public var description: String {
        switch self {
        case .notFound(let id): "sandbox \(id) not found"
        case .createFailed(let reason): "sandbox could not be created: \(reason)"
        case .credentialsRejected(let reason): "the sandbox provider refused Dayshift's credentials: \(reason)"
        case .commandFailedToStart(let reason): "command could not be started: \(reason)"
        case .gitFailed(let reason): "git failed: \(reason)"
        case .fileNotFound(let path): "no such file in the sandbox: \(path)"
        case .invalidPath(let path): "path escapes the sandbox: \(path)"
        }
    }

    /// True for trouble that may pass (a failed create, a command or git that could not run, a
    /// sandbox gone missing: the step adopts or re-creates); false for a refused credential, a
    /// missing file and a path outside the sandbox.
    public var isTransient: Bool {
        switch self {
        case .createFailed, .commandFailedToStart, .gitFailed, .notFound:
            true
        case .credentialsRejected, .fileNotFound, .invalidPath:
            false
        }
    }
}
