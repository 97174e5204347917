import Foundation

/// A GitHub emulator serving in the background, as returned by ``GitHubEmulator/start(host:port:state:logger:)``.
public final class RunningGitHubEmulator: Sendable {
    /// `http://host:port` with no trailing slash; use it as the GitHub API base URL
    /// (e.g. `baseURL.appending(path: "repos/o/r/pulls")`).
    public let baseURL: URL
    /// The state behind the emulator: seed it, inspect it, inject faults.
    public let state: GitHubEmulatorState
    private let stopServer: @Sendable () async -> Void

    init(baseURL: URL, state: GitHubEmulatorState, stopServer: @escaping @Sendable () async -> Void) {
        self.baseURL = baseURL
        self.state = state
        self.stopServer = stopServer
    }

    /// The bound port.
    public var port: Int { baseURL.port ?? 0 }

    /// Shuts the server down gracefully (in-flight requests finish, idle keep-alive connections
    /// close) and waits until it has stopped. Safe to call more than once.
    public func stop() async {
        await stopServer()
    }
}
