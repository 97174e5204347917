import Foundation

/// A GitHub emulator serving in the background, as returned by ``GitHubEmulator/start(host:port:state:logger:)``.
public final class RunningGitHubEmulator: Sendable {
    /// `http://host:port` with no trailing slash; use it as the GitHub API base URL
    /// (e.g. `baseURL.appending(path: "repos/o/r/pulls")`).
    public let baseURL: URL
    /// The state behind the emulator: seed it, inspect it, inject faults.
    public let state: GitHubEmulatorState
    private let task: Task<Void, any Error>

    init(baseURL: URL, state: GitHubEmulatorState, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.state = state
        self.task = task
    }

    /// The bound port.
    public var port: Int { baseURL.port ?? 0 }

    /// Shuts the server down (graceful shutdown via task cancellation) and waits until it has stopped.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}
