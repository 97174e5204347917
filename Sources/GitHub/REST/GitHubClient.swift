import DayshiftCore
import Foundation
import Logging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small GitHub REST client over `URLSession` for the calls a PR bot makes.
///
/// Every request sends `Authorization: Bearer <token>`, `Accept: application/vnd.github+json` and
/// `X-GitHub-Api-Version: 2022-11-28`. Errors are ``GitHubAPIError``; the token never appears in them
/// or in logs.
///
/// Two recoveries happen inside one call:
/// - rate limits (403/429 with GitHub's signs) are retried as ``GitHubRetryPolicy`` says; GitHub
///   refused such a request without doing it, so repeating it never doubles a comment, a reaction
///   or a pull request. Other failures (a network error, a lost answer) are never repeated here:
///   the step that made the call finds its effect again before repeating it. With a
///   ``GitHubRateBudget``, requests also slow down as the primary budget nears zero;
/// - a 401 to a token that `credentialRejected` can replace (an installation token or App JWT from
///   a cache) is reported to it once, and the call is repeated once with a newly asked token.
public struct GitHubClient: Sendable {
    /// e.g. `https://api.github.com` or an emulator's `http://127.0.0.1:PORT`.
    public let baseURL: URL
    private let token: @Sendable () async throws -> String
    private let credentialRejected: (@Sendable (String) async -> Void)?
    private let session: URLSession
    private let timeoutSeconds: Double
    private let retryPolicy: GitHubRetryPolicy
    private let sleep: @Sendable (Double) async throws -> Void
    private let now: @Sendable () -> Date
    private let recorder: any OutboundRequestRecorder
    private let budget: GitHubRateBudget?

    /// - Parameters:
    ///   - baseURL: the API root (no trailing path needed).
    ///   - timeoutSeconds: per-request timeout in seconds. It is set on the session's
    ///     configuration, because swift-corelibs-foundation ignores `URLRequest.timeoutInterval`.
    ///   - session: `nil` makes one with that timeout.
    ///   - retryPolicy: rate-limit retries; ``GitHubRetryPolicy/init(maxRetries:secondaryLimitWaitSeconds:backoffMultiplier:maxWaitSeconds:waitCapSeconds:jitterFraction:)`` defaults follow GitHub's advice.
    ///   - sleep: waits the given seconds between retries (inject a recorder in tests).
    ///   - now: the clock used to turn `x-ratelimit-reset` into a wait.
    ///   - token: asked once per request, so that a cache can refresh installation tokens.
    ///   - credentialRejected: called with the token GitHub answered 401 to, before the single
    ///     repeat; nil (a fixed personal access token) means a 401 is thrown at once.
    ///   - recorder: told the status of every request (and `x-ratelimit-remaining`), for metrics.
    ///   - budget: the credential's primary budget, shared by its clients: each answer's
    ///     `x-ratelimit-remaining`/`x-ratelimit-reset` is recorded in it, and each request first
    ///     sleeps what it asks (slowing down near zero); nil = no pacing.
    public init(
        baseURL: URL, timeoutSeconds: Double = 30, session: URLSession? = nil,
        retryPolicy: GitHubRetryPolicy = GitHubRetryPolicy(),
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) },
        now: @escaping @Sendable () -> Date = { Date() },
        token: @escaping @Sendable () async throws -> String,
        credentialRejected: (@Sendable (String) async -> Void)? = nil,
        recorder: any OutboundRequestRecorder = NoOutboundRequestRecorder(),
        budget: GitHubRateBudget? = nil
    ) {
        self.budget = budget
        self.baseURL = baseURL
        self.recorder = recorder
        self.token = token
        self.credentialRejected = credentialRejected
        self.timeoutSeconds = timeoutSeconds
        self.retryPolicy = retryPolicy
        self.sleep = sleep
        self.now = now
        self.session = session ?? {
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = timeoutSeconds
            configuration.timeoutIntervalForResource = timeoutSeconds * 4
            return URLSession(configuration: configuration)
        }()
    }

    // MARK: Pull requests

    /// `POST /repos/{owner}/{repo}/pulls` → 201 pull-request.
    /// - Throws: ``GitHubAPIError``; 422 with ``GitHubAPIError/isPullRequestAlreadyExists`` when an
    ///   open PR for `head` exists.
    public func createPullRequest(_ repo: RepositoryName, title: String, head: String, base: String, body: String, draft: Bool) async throws -> PullRequest {
        try await send("POST", "/repos/\(repo.owner)/\(repo.name)/pulls",
                       body: ["title": title, "head": head, "base": base, "body": body, "draft": draft, "maintainer_can_modify": true])
    }

    /// `GET /repos/{owner}/{repo}/pulls?head={owner}:{branch}&state=…` → pull requests for that head.
    public func pullRequests(_ repo: RepositoryName, headBranch: String, state: String = "open") async throws -> [PullRequest] {
        try await send("GET", "/repos/\(repo.owner)/\(repo.name)/pulls",
                       query: ["head": "\(repo.owner):\(headBranch)", "state": state, "per_page": "100"])
    }

    /// `PATCH /repos/{owner}/{repo}/pulls/{pull_number}` with a new title and body.
    public func updatePullRequest(_ repo: RepositoryName, number: Int, title: String, body: String) async throws -> PullRequest {
        try await send("PATCH", "/repos/\(repo.owner)/\(repo.name)/pulls/\(number)", body: ["title": title, "body": body])
    }

    /// `POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers` with `reviewers` (logins)
    /// and `team_reviewers` (team slugs) → 201 pull-request.
    /// - Throws: ``GitHubAPIError``; 422 when a reviewer is not a collaborator or is the author.
    public func requestReviewers(_ repo: RepositoryName, pullRequest number: Int, reviewers: [String], teamReviewers: [String] = []) async throws -> PullRequest {
        try await send("POST", "/repos/\(repo.owner)/\(repo.name)/pulls/\(number)/requested_reviewers",
                       body: ["reviewers": reviewers, "team_reviewers": teamReviewers])
    }

    // MARK: Issue comments, labels and reactions

    /// `POST /repos/{owner}/{repo}/issues/{issue_number}/labels` with `{"labels": [names]}` → 200
    /// `[label]`; labels that do not exist yet are created. Works for pull requests too.
    /// - Returns: the names of every label the issue now has.
    public func addLabels(_ repo: RepositoryName, issue: Int, labels: [String]) async throws -> [String] {
        let added: [Label] = try await send("POST", "/repos/\(repo.owner)/\(repo.name)/issues/\(issue)/labels", body: ["labels": labels])
        return added.map(\.name)
    }


    /// `POST /repos/{owner}/{repo}/issues/{issue_number}/comments` → 201 issue-comment.
    public func createIssueComment(_ repo: RepositoryName, issue: Int, body: String) async throws -> IssueComment {
        try await send("POST", "/repos/\(repo.owner)/\(repo.name)/issues/\(issue)/comments", body: ["body": body])
    }

    /// `GET /repos/{owner}/{repo}/issues/{issue_number}/comments`, every page (100 per page).
    public func issueComments(_ repo: RepositoryName, issue: Int) async throws -> [IssueComment] {
        var all: [IssueComment] = []
        for page in 1...50 {
            let batch: [IssueComment] = try await send("GET", "/repos/\(repo.owner)/\(repo.name)/issues/\(issue)/comments",
                                                       query: ["per_page": "100", "page": String(page)])
            all += batch
            if batch.count < 100 { break }
        }
        return all
    }

    /// `PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}` with a new body.
    public func updateIssueComment(_ repo: RepositoryName, commentID: Int64, body: String) async throws -> IssueComment {
        try await send("PATCH", "/repos/\(repo.owner)/\(repo.name)/issues/comments/\(commentID)", body: ["body": body])
    }

    /// `POST /repos/{owner}/{repo}/issues/{issue_number}/reactions` (`content`: `eyes`, `rocket`, …).
    /// 200 (existed) and 201 (created) both succeed, so this is idempotent.
    public func addIssueReaction(_ repo: RepositoryName, issue: Int, content: String) async throws {
        let _: IgnoredBody = try await send("POST", "/repos/\(repo.owner)/\(repo.name)/issues/\(issue)/reactions", body: ["content": content])
    }

    /// `POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions` (`content`: `eyes`,
    /// `rocket`, `confused`, …). 200 (existed) and 201 (created) both succeed, so this is idempotent.
    /// - Throws: ``GitHubAPIError``; 404 when the comment is gone.
    public func addCommentReaction(_ repo: RepositoryName, commentID: Int64, content: String) async throws {
        let _: IgnoredBody = try await send("POST", "/repos/\(repo.owner)/\(repo.name)/issues/comments/\(commentID)/reactions", body: ["content": content])
    }

    // MARK: Account

    /// `GET /rate_limit` → 200 `rate-limit-overview`: the token's core REST budget (the call
    /// itself does not count against it).
    /// - Throws: ``GitHubAPIError``; 401 when the token is refused.
    public func rateLimit() async throws -> RateLimitOverview {
        try await send("GET", "/rate_limit")
    }

    // MARK: Transport

    /// A response body the caller does not read (`send` skips decoding for it).
    struct IgnoredBody: Decodable {}

    /// Sends one REST call and decodes a 2xx body as `Response` (``IgnoredBody`` to skip it),
    /// applying the rate-limit retries and the single 401 re-authentication described on the type.
    /// For use by this module's extensions (`GitHubClient+….swift`).
    /// - Parameters:
    ///   - path: starts with `/`, e.g. `/repos/o/r/pulls`; appended to ``baseURL``.
    ///   - query: sorted into the URL.
    ///   - body: serialised with `JSONSerialization` (sorted keys); nil sends no body.
    /// - Throws: ``GitHubAPIError``; `.response` carries `retryAfterSeconds` from `retry-after`, or
    ///   the seconds until `x-ratelimit-reset` when `x-ratelimit-remaining` is 0.
    func send<Response: Decodable>(_ method: String, _ path: String, query: [String: String] = [:], body: [String: any Sendable]? = nil) async throws -> Response {
        let call = "\(method) \(path)"
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)
        if !query.isEmpty {
            components?.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        }
        guard let url = components?.url else { throw GitHubAPIError.transport(call: call, reason: "invalid URL") }
        let bodyData = try body.map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
        var retries = 0
        var reauthenticated = false
        while true {
            let credential = try await token()
            if let pause = await budget?.pause(now: now()), pause > 0 {
                guard pause <= retryPolicy.maxWaitSeconds else {
                    throw GitHubAPIError.response(call: call, status: 403, message: "rate limit budget exhausted until its reset",
                                                  errors: [], retryAfterSeconds: pause)
                }
                try await sleep(retryPolicy.sleepSeconds(for: pause))
            }
            let (data, http) = try await exchange(call: call, url: url, method: method, body: bodyData, credential: credential)
            let hints = GitHubRetryPolicy.Hints(http)
            await budget?.observe(remaining: hints.remaining, reset: hints.reset)
            if (200..<300).contains(http.statusCode) {
                if Response.self == IgnoredBody.self { return IgnoredBody() as! Response }
                do {
                    return try JSONDecoder().decode(Response.self, from: data)
                } catch {
                    throw GitHubAPIError.transport(call: call, reason: "unexpected response body (\(error))")
                }
            }
            let decoded = try? JSONDecoder().decode(GitHubErrorBody.self, from: data)
            let message = decoded.flatMap { $0.message.isEmpty ? nil : $0.message } ?? HTTPURLResponse.localizedString(forStatusCode: http.statusCode)
            if http.statusCode == 401, let credentialRejected, !reauthenticated {
                reauthenticated = true
                await credentialRejected(credential)
                continue
            }
            if let wait = retryPolicy.wait(status: http.statusCode, message: message, hints: hints, retry: retries + 1, now: now()) {
                retries += 1
                try await sleep(retryPolicy.sleepSeconds(for: wait))
                continue
            }
            throw GitHubAPIError.response(call: call, status: http.statusCode, message: message,
                                          errors: decoded?.errors ?? [], retryAfterSeconds: hints.headerWait(now: now()))
        }
    }

    /// One HTTP exchange; transport failures become ``GitHubAPIError/transport(call:reason:)``.
    private func exchange(call: String, url: URL, method: String, body: Data?, credential: String) async throws -> (Data, HTTPURLResponse) {
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        request.httpMethod = method
        request.setValue("Bearer \(credential)", forHTTPHeaderField: "Authorization")
        request.setValue("application/vnd.github+json", forHTTPHeaderField: "Accept")
        request.setValue("2022-11-28", forHTTPHeaderField: "X-GitHub-Api-Version")
        request.setValue("dayshift", forHTTPHeaderField: "User-Agent")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            recorder.requestFinished(.github, status: nil)
            throw GitHubAPIError.transport(call: call, reason: (error as? URLError).map { "network error \($0.code.rawValue)" } ?? "network error")
        }
        guard let http = response as? HTTPURLResponse else {
            recorder.requestFinished(.github, status: nil)
            throw GitHubAPIError.transport(call: call, reason: "not an HTTP response")
        }
        recorder.requestFinished(.github, status: http.statusCode)
        if let remaining = (http.value(forHTTPHeaderField: "x-ratelimit-remaining")).flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
            recorder.rateLimitRemaining(.github, remaining)
        }
        return (data, http)
    }
}
