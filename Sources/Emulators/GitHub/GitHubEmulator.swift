import Foundation
import HTTPServing
import Hummingbird
import Logging
import ServiceLifecycle

/// An in-process emulator of the GitHub REST API endpoints Dayshift calls, for tests, demos
/// and benchmarks. Serves on loopback at the root path (no `/api/v3` prefix):
///
/// | endpoint | answer |
/// | --- | --- |
/// | `GET /repos/{owner}/{repo}/issues/{issue_number}` | 200 `issue` (seeded issue or pull request), else 404 |
/// | `POST /repos/{owner}/{repo}/issues/{issue_number}/comments` `{"body"}` | 201 `issue-comment` |
/// | `GET /repos/{owner}/{repo}/issues/{issue_number}/comments?per_page&page` | 200 `[issue-comment]` + `Link` |
/// | `PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}` `{"body"}` | 200 `issue-comment` |
/// | `POST /repos/{owner}/{repo}/issues/{issue_number}/reactions` `{"content"}` | 201 new / 200 existing `reaction`, 422 bad content |
/// | `POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions` `{"content"}` | 201 new / 200 existing `reaction`, 404 unknown comment |
/// | `POST /repos/{owner}/{repo}/check-runs` `{name, head_sha, status?, conclusion?, external_id?, output?}` | 201 `check-run`; 422 `completed` without `conclusion` |
/// | `PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}` | 200 `check-run` / 404 |
/// | `GET /repos/{owner}/{repo}/commits/{ref}/check-runs?check_name` | 200 `{total_count, check_runs}` |
/// | `GET /_emulator/repos/{owner}/{repo}/issues/comments/{comment_id}/history` (not GitHub; no token checked) | 200 `[{revision, body, at}]`: every version of the comment's body, oldest first / 404 |
/// | `POST /repos/{owner}/{repo}/pulls` `{title, head, base, body?, draft?, maintainer_can_modify?}` | 201 `pull-request`; 422 missing field / duplicate head |
/// | `GET /repos/{owner}/{repo}/pulls?state&head&base&direction&per_page&page` | 200 `[pull-request]` |
/// | `GET /repos/{owner}/{repo}/pulls/{pull_number}` | 200 `pull-request` / 404 |
/// | `PATCH /repos/{owner}/{repo}/pulls/{pull_number}` `{title?, body?, state?, base?, maintainer_can_modify?}` | 200 `pull-request` |
/// | `/repos/{owner}/{repo}/git/…` (refs, blobs, trees, commits) | see ``GitHubEmulatorGitDataRoutes`` |
/// | `POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers` `{reviewers?, team_reviewers?}` | 201 `pull-request`; 422 author as reviewer |
/// | `POST /repos/{owner}/{repo}/issues/{issue_number}/labels` `{labels}` | 200 `[label]` |
/// | `GET /repos/{owner}/{repo}/installation` (App JWT) | 200 `installation` / 404 |
/// | `POST /app/installations/{installation_id}/access_tokens` (App JWT) `{repositories?, permissions?}` | 201 `installation-token`; 401 bad JWT; 422 narrowing outside the installation |
///
/// Every request needs `Authorization: Bearer …` or `Authorization: token …` (else 401
/// `Requires authentication`). Once an App (``GitHubEmulatorState/registerApp(id:slug:key:)``) or
/// a PAT is registered, repository routes also need a live installation token allowed for the
/// repository and call, or a registered PAT (401 `Bad credentials` / 403 `Resource not accessible
/// by integration`). Unknown routes answer 404 `Not Found`; all errors use
/// GitHub's `{"message", "documentation_url"}` body (``GitHubErrorBody``). State, recorded
/// requests and fault injection live in ``GitHubEmulatorState``.
public enum GitHubEmulator {
    /// Largest accepted request body (bytes).
    static let maxBodySize = 128 * 1024 * 1024

    /// Logger used when none is given: label `dayshift.emulator.github`, level `warning`.
    public static var defaultLogger: Logger {
        var logger = Logger(label: "dayshift.emulator.github")
        logger.logLevel = .warning
        return logger
    }

    /// Builds the router with every emulated endpoint, behind the recording/fault/auth middleware.
    public static func makeRouter(state: GitHubEmulatorState) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        // Middleware must be added before the routes so that it wraps them.
        router.add(middleware: GitHubEmulatorMiddleware<BasicRequestContext>(state: state))
        GitHubEmulatorIssueRoutes.add(to: router, state: state)
        GitHubEmulatorPullRoutes.add(to: router, state: state)
        GitHubEmulatorGitDataRoutes.add(to: router, state: state)
        GitHubEmulatorLabelRoutes.add(to: router, state: state)
        GitHubEmulatorCollaboratorRoutes.add(to: router, state: state)
        GitHubEmulatorAppRoutes.add(to: router, state: state)
        GitHubEmulatorCheckRoutes.add(to: router, state: state)
        return router
    }

    /// Builds (but does not run) the emulator application bound to `host:port` (`port` 0 picks a
    /// free port). `onServerRunning` receives the actually bound port once the server listens.
    /// Run it with `runService(gracefulShutdownSignals: [])` or in a `ServiceGroup`, or test it
    /// in-process with HummingbirdTesting.
    public static func makeApplication(
        state: GitHubEmulatorState,
        host: String = "127.0.0.1",
        port: Int = 0,
        logger: Logger = GitHubEmulator.defaultLogger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(state: state),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "GitHubEmulator"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// Starts the emulator on `host:port` (`port` 0 = any free port) in a background task and
    /// returns once it is listening. Call ``RunningGitHubEmulator/stop()`` when done.
    /// - Throws: the bind error if the server could not start.
    public static func start(
        host: String = "127.0.0.1",
        port: Int = 0,
        state: GitHubEmulatorState = GitHubEmulatorState(),
        logger: Logger = GitHubEmulator.defaultLogger
    ) async throws -> RunningGitHubEmulator {
        let server = try await InProcessServer.start(host: host, logger: logger, didNotStart: GitHubEmulatorStartError.didNotStart) { onPort in
            makeApplication(state: state, host: host, port: port, logger: logger, onServerRunning: onPort)
        }
        return RunningGitHubEmulator(baseURL: server.baseURL, state: state, stopServer: server.stop)
    }
}

/// Thrown by ``GitHubEmulator/start(host:port:state:logger:)`` when the server stopped before listening.
public enum GitHubEmulatorStartError: Error, Sendable {
    /// The server task ended without reporting a bound port.
    case didNotStart
}
