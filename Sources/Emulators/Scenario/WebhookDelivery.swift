import Foundation
import GitHub
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A webhook delivery in GitHub's format: the headers GitHub sends and a JSON body shaped like
/// GitHub's `issues` / `issue_comment` payloads (`../shared/fixtures/github/webhooks`), signed
/// with `X-Hub-Signature-256`.
public struct WebhookDelivery: Sendable {
    /// `X-GitHub-Event`.
    public var event: String
    /// `X-GitHub-Delivery`.
    public var guid: String
    /// The exact body bytes that are signed and sent.
    public var body: Data

    public init(event: String, guid: String = UUID().uuidString.lowercased(), body: Data) {
        self.event = event
        self.guid = guid
        self.body = body
    }

    /// The headers GitHub would send for this delivery, signed with `secret`.
    public func headers(secret: String) -> [String: String] {
        [
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/dayshift-demo",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": guid,
            "X-GitHub-Hook-ID": "1",
            "X-Hub-Signature-256": WebhookSignature.header(for: body, secret: secret),
        ]
    }

    /// POSTs the delivery to `url` (e.g. `http://127.0.0.1:8080/webhooks/github`).
    /// - Returns: the HTTP status and the response body.
    /// - Throws: `URLError` when nothing answers.
    public func send(to url: URL, secret: String) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        for (name, value) in headers(secret: secret) { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}

/// Builds payloads in GitHub's format for one repository.
public struct WebhookPayloadBuilder: Sendable {
    public var owner: String
    public var repo: String
    public var cloneURL: String
    public var defaultBranch = "main"
    public var installationID: Int64 = 1

    public init(owner: String, repo: String, cloneURL: String) {
        self.owner = owner
        self.repo = repo
        self.cloneURL = cloneURL
    }

    /// `issues.labeled` for issue `number` with label `label`, added by `sender`.
    public func issueLabeled(number: Int, title: String, body: String, label: String = "dayshift", sender: String = "octocat", senderType: String = "User") -> WebhookDelivery {
        var payload = base(action: "labeled", sender: sender, senderType: senderType)
        payload["issue"] = issue(number: number, title: title, body: body, author: sender, association: "OWNER")
        payload["label"] = ["id": 1, "node_id": "LA_1", "name": label, "color": "0e8a16", "default": false, "description": "Dayshift works on it"]
        return delivery("issues", payload)
    }

    /// `issues.opened` for issue `number`, by an author with `association`.
    public func issueOpened(number: Int, title: String, body: String, author: String = "octocat", association: String = "OWNER") -> WebhookDelivery {
        var payload = base(action: "opened", sender: author, senderType: "User")
        payload["issue"] = issue(number: number, title: title, body: body, author: author, association: association)
        return delivery("issues", payload)
    }

    /// `issues.closed` for issue `number`.
    public func issueClosed(number: Int, title: String, sender: String = "octocat") -> WebhookDelivery {
        var payload = base(action: "closed", sender: sender, senderType: "User")
        payload["issue"] = issue(number: number, title: title, body: "", author: sender, association: "OWNER", state: "closed")
        return delivery("issues", payload)
    }

    /// `issue_comment.created` (or `action`, e.g. `edited`) on issue `number` with `comment` by `author`.
    /// - Parameters:
    ///   - authorID: the author's user id (default: derived from the login).
    ///   - commentID: the comment's `id` (e.g. of a comment seeded in the emulator); random by default.
    ///   - viaApp: the id in `performed_via_github_app` (a comment an App made), else `null`.
    public func commentCreated(number: Int, title: String, body: String = "", comment: String, author: String = "octocat",
                               association: String = "OWNER", authorType: String = "User", authorID: Int? = nil, commentID: Int? = nil, viaApp: Int64? = nil,
                               action: String = "created") -> WebhookDelivery {
        var payload = base(action: action, sender: author, senderType: authorType, senderID: authorID)
        payload["issue"] = issue(number: number, title: title, body: body, author: "octocat", association: "OWNER")
        let app: Any = viaApp.map { ["id": $0, "slug": "dayshift", "name": "Dayshift"] as [String: Any] } ?? NSNull()
        payload["comment"] = [
            "id": commentID ?? Int.random(in: 1...1_000_000_000), "node_id": "IC_1", "body": comment, "author_association": association,
            "user": account(author, type: authorType, id: authorID), "created_at": Self.now, "updated_at": Self.now,
            "html_url": "https://github.com/\(owner)/\(repo)/issues/\(number)#issuecomment-1", "performed_via_github_app": app,
        ] as [String: Any]
        return delivery("issue_comment", payload)
    }

    /// `pull_request_review.submitted` on pull request `pullNumber` (head `headRef`, state
    /// `pullState`), shaped like GitHub's fixture: a review with `state` (`changes_requested`,
    /// `commented`, `approved`) and `body` by `reviewer`.
    public func pullRequestReview(pullNumber: Int, headRef: String, state: String, body: String?, reviewer: String = "octocat",
                                  association: String = "OWNER", pullState: String = "open") -> WebhookDelivery {
        var payload = base(action: "submitted", sender: reviewer, senderType: "User")
        payload["pull_request"] = pullRequest(number: pullNumber, headRef: headRef, state: pullState)
        payload["review"] = [
            "id": Int.random(in: 1...1_000_000_000), "node_id": "PRR_1", "user": account(reviewer, type: "User"), "body": body ?? NSNull(),
            "commit_id": "0000000000000000000000000000000000000000", "submitted_at": Self.now, "state": state,
            "html_url": "https://github.com/\(owner)/\(repo)/pull/\(pullNumber)#pullrequestreview-1", "author_association": association,
        ] as [String: Any]
        return delivery("pull_request_review", payload)
    }

    /// `pull_request_review_comment.created` on `path` line `line` of pull request `pullNumber`.
    public func pullRequestReviewComment(pullNumber: Int, headRef: String, body: String, path: String, line: Int, author: String = "octocat",
                                         association: String = "OWNER", pullState: String = "open") -> WebhookDelivery {
        var payload = base(action: "created", sender: author, senderType: "User")
        payload["pull_request"] = pullRequest(number: pullNumber, headRef: headRef, state: pullState)
        payload["comment"] = [
            "id": Int.random(in: 1...1_000_000_000), "node_id": "PRRC_1", "pull_request_review_id": 1, "diff_hunk": "@@ -1 +1 @@",
            "path": path, "line": line, "original_line": line, "position": 1, "commit_id": "0000000000000000000000000000000000000000",
            "user": account(author, type: "User"), "body": body, "author_association": association, "created_at": Self.now, "updated_at": Self.now,
            "html_url": "https://github.com/\(owner)/\(repo)/pull/\(pullNumber)#discussion_r1",
        ] as [String: Any]
        return delivery("pull_request_review_comment", payload)
    }

    private func pullRequest(number: Int, headRef: String, state: String) -> [String: Any] {
        [
            "id": number * 1000, "node_id": "PR_\(number)", "number": number, "state": state, "title": "pull request \(number)",
            "body": "", "user": account("dayshift[bot]", type: "Bot"), "merged": false, "draft": false,
            "html_url": "https://github.com/\(owner)/\(repo)/pull/\(number)",
            "head": ["ref": headRef, "sha": "0000000000000000000000000000000000000000", "label": "\(owner):\(headRef)"] as [String: Any],
            "base": ["ref": defaultBranch, "sha": "0000000000000000000000000000000000000000", "label": "\(owner):\(defaultBranch)"] as [String: Any],
        ]
    }

    /// `issues.assigned` for issue `number`: `assignee` (with `assigneeID`) assigned by `sender`.
    public func issueAssigned(number: Int, title: String, body: String = "", assignee: String, assigneeID: Int, sender: String = "octocat") -> WebhookDelivery {
        var payload = base(action: "assigned", sender: sender, senderType: "User")
        payload["issue"] = issue(number: number, title: title, body: body, author: sender, association: "OWNER")
        payload["assignee"] = account(assignee, type: assignee.hasSuffix("[bot]") ? "Bot" : "User", id: assigneeID)
        return delivery("issues", payload)
    }

    /// `installation.<action>` (`deleted`, `suspend`, `unsuspend`, `created`) for installation
    /// ``installationID`` with this repository, shaped like GitHub's `installation` payloads.
    public func installation(action: String, sender: String = "octocat") -> WebhookDelivery {
        var payload = base(action: action, sender: sender, senderType: "User")
        payload.removeValue(forKey: "repository")
        payload["installation"] = ["id": installationID, "node_id": "I_1", "account": account(owner, type: "User"), "app_id": 1,
                                   "repository_selection": "selected", "target_type": "User"] as [String: Any]
        payload["repositories"] = [["id": 1, "node_id": "R_1", "name": repo, "full_name": "\(owner)/\(repo)", "private": false]]
        return delivery("installation", payload)
    }

    /// `installation_repositories.<action>` (`removed` or `added`) naming this repository.
    public func installationRepositories(action: String, sender: String = "octocat") -> WebhookDelivery {
        var payload = base(action: action, sender: sender, senderType: "User")
        payload.removeValue(forKey: "repository")
        payload["installation"] = ["id": installationID, "node_id": "I_1", "account": account(owner, type: "User")] as [String: Any]
        let entry: [[String: Any]] = [["id": 1, "node_id": "R_1", "name": repo, "full_name": "\(owner)/\(repo)", "private": false]]
        payload["repository_selection"] = "selected"
        payload["repositories_added"] = action == "added" ? entry : []
        payload["repositories_removed"] = action == "removed" ? entry : []
        return delivery("installation_repositories", payload)
    }

    private static var now: String { ISO8601DateFormatter().string(from: Date()) }

    private func delivery(_ event: String, _ payload: [String: Any]) -> WebhookDelivery {
        let body = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])) ?? Data()
        return WebhookDelivery(event: event, body: body)
    }

    private func account(_ login: String, type: String, id: Int? = nil) -> [String: Any] {
        ["login": login, "id": id ?? Self.stableID(login), "node_id": "U_\(login)", "type": type, "site_admin": false,
         "html_url": "https://github.com/\(login)"]
    }

    /// A user id that depends on the login only (the same in every process).
    static func stableID(_ login: String) -> Int {
        1 + Int(login.utf8.reduce(UInt32(7)) { ($0 &* 31) &+ UInt32($1) } % 1_000_000)
    }

    private func base(action: String, sender: String, senderType: String, senderID: Int? = nil) -> [String: Any] {
        [
            "action": action,
            "repository": [
                "id": 1, "node_id": "R_1", "name": repo, "full_name": "\(owner)/\(repo)", "private": false,
                "owner": account(owner, type: "User"), "html_url": "https://github.com/\(owner)/\(repo)",
                "clone_url": cloneURL, "default_branch": defaultBranch,
            ] as [String: Any],
            "sender": account(sender, type: senderType, id: senderID),
            "installation": ["id": installationID, "node_id": "I_1"] as [String: Any],
        ]
    }

    private func issue(number: Int, title: String, body: String, author: String, association: String, state: String = "open") -> [String: Any] {
        [
            "id": number * 1000, "node_id": "I_\(number)", "number": number, "title": title, "body": body, "state": state,
            "user": account(author, type: "User"), "author_association": association, "labels": [] as [Any],
            "html_url": "https://github.com/\(owner)/\(repo)/issues/\(number)", "comments": 0,
            "created_at": Self.now, "updated_at": Self.now,
        ]
    }
}
