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
public struct GitHubClient: Sendable {
    /// e.g. `https://api.github.com` or an emulator's `http://127.0.0.1:PORT`.
    public let baseURL: URL
    private let token: @Sendable () async throws -> String
    private let session: URLSession
    private let timeoutSeconds: Double

    /// - Parameters:
    ///   - baseURL: the API root (no trailing path needed).
    ///   - timeoutSeconds: per-request timeout in seconds. It is set on the session's
    ///     configuration, because swift-corelibs-foundation ignores `URLRequest.timeoutInterval`.
    ///   - session: `nil` makes one with that timeout.
    ///   - token: asked once per request, so that a cache can refresh installation tokens.
    public init(baseURL: URL, timeoutSeconds: Double = 30, session: URLSession? = nil, token: @escaping @Sendable () async throws -> String) {
        self.baseURL = baseURL
        self.token = token
        self.timeoutSeconds = timeoutSeconds
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

    // MARK: Issue comments and reactions

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

    // MARK: Transport

    struct IgnoredBody: Decodable {}

    private struct ErrorBody: Decodable {
        var message: String?
        var errors: [GitHubAPIError.FieldError]?
    }

    func send<Response: Decodable>(_ method: String, _ path: String, query: [String: String] = [:], body: [String: any Sendable]? = nil) async throws -> Response {
        let call = "\(method) \(path)"
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)
        if !query.isEmpty {
            components?.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        }
        guard let url = components?.url else { throw GitHubAPIError.transport(call: call, reason: "invalid URL") }
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        request.httpMethod = method
        request.setValue("Bearer \(try await token())", forHTTPHeaderField: "Authorization")
        request.setValue("application/vnd.github+json", forHTTPHeaderField: "Accept")
        request.setValue("2022-11-28", forHTTPHeaderField: "X-GitHub-Api-Version")
        request.setValue("dayshift", forHTTPHeaderField: "User-Agent")
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw GitHubAPIError.transport(call: call, reason: (error as? URLError).map { "network error \($0.code.rawValue)" } ?? "network error")
        }
        guard let http = response as? HTTPURLResponse else { throw GitHubAPIError.transport(call: call, reason: "not an HTTP response") }
        guard (200..<300).contains(http.statusCode) else {
            let decoded = try? JSONDecoder().decode(ErrorBody.self, from: data)
            let retryAfter = (http.value(forHTTPHeaderField: "Retry-After")).flatMap(Double.init)
            throw GitHubAPIError.response(call: call, status: http.statusCode, message: decoded?.message ?? HTTPURLResponse.localizedString(forStatusCode: http.statusCode),
                                          errors: decoded?.errors ?? [], retryAfterSeconds: retryAfter)
        }
        if Response.self == IgnoredBody.self { return IgnoredBody() as! Response }
        do {
            return try JSONDecoder().decode(Response.self, from: data)
        } catch {
            throw GitHubAPIError.transport(call: call, reason: "unexpected response body (\(error))")
        }
    }
}
