import Foundation
import ServiceLifecycle

/// A GitHub emulator serving in the background, as returned by ``GitHubEmulator/start(host:port:state:logger:)``.
public final class RunningGitHubEmulator: Sendable {
    /// `http://host:port` with no trailing slash; use it as the GitHub API base URL
    /// (e.g. `baseURL.appending(path: "repos/o/r/pulls")`).
    public let baseURL: URL
    /// The state behind the emulator: seed it, inspect it, inject faults.
    public let state: GitHubEmulatorState
    private let server: BackgroundServer

    init(server: BackgroundServer, state: GitHubEmulatorState) {
        self.baseURL = server.baseURL
        self.state = state
        self.server = server
    }

    /// The bound port.
    public var port: Int { baseURL.port ?? 0 }

    /// Shuts the server down gracefully (in-flight requests finish, idle keep-alive connections
    /// close) and waits until it has stopped. Safe to call more than once.
    public func stop() async {
        await server.stop()
    }
}
