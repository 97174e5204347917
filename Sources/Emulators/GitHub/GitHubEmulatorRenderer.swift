import DayshiftCore
import Foundation

/// Builds GitHub-shaped JSON (schemas `pull-request`, `issue-comment`, `issue`, `reaction`,
/// `simple-user`) from emulator records. URLs point back at the emulator (`base` is
/// `http://host:port` taken from the request's `Host` header), so `url`/`html_url` are stable
/// for one emulator instance.
struct GitHubEmulatorRenderer: Sendable {
    /// `http://host:port`, no trailing slash.
    var base: String
    var botLogin: String
    var botID: Int

    func apiRepo(_ owner: String, _ repo: String) -> String { "\(base)/repos/\(owner)/\(repo)" }
    func htmlRepo(_ owner: String, _ repo: String) -> String { "\(base)/\(owner)/\(repo)" }

    func userID(_ login: String) -> Int {
        if login == botLogin { return botID }
        // Stable small id for other logins (e.g. the seeded issue author).
        return 1 + Int(login.utf8.reduce(UInt32(7)) { ($0 &* 31) &+ UInt32($1) } % 1_000_000)
    }

    /// `simple-user`.
    func user(_ login: String) -> JSONValue {
        let api = "\(base)/users/\(login)"
        let id = userID(login)
        return [
            "login": .string(login), "id": .int(id), "node_id": .string("U_emu\(id)"),
            "avatar_url": .string("\(base)/avatars/u/\(id)"), "gravatar_id": "",
            "url": .string(api), "html_url": .string("\(base)/\(login)"),
            "followers_url": .string("\(api)/followers"), "following_url": .string("\(api)/following{/other_user}"),
            "gists_url": .string("\(api)/gists{/gist_id}"), "starred_url": .string("\(api)/starred{/owner}{/repo}"),
            "subscriptions_url": .string("\(api)/subscriptions"), "organizations_url": .string("\(api)/orgs"),
            "repos_url": .string("\(api)/repos"), "events_url": .string("\(api)/events{/privacy}"),
            "received_events_url": .string("\(api)/received_events"),
            "type": .string(login.hasSuffix("[bot]") ? "Bot" : "User"), "site_admin": false,
        ]
    }

    /// An abbreviated `repository` (identity fields only; see the conformance test's allow-list).
    func repository(_ owner: String, _ repo: String, fork: Bool) -> JSONValue {
        let id = userID("\(owner)/\(repo)")
        return [
            "id": .int(id), "node_id": .string("R_emu\(id)"), "name": .string(repo),
            "full_name": .string("\(owner)/\(repo)"), "owner": user(owner), "private": false, "fork": .bool(fork),
            "url": .string(apiRepo(owner, repo)), "html_url": .string(htmlRepo(owner, repo)),
        ]
    }

    /// `pull-request` (a superset of `pull-request-simple`, used for list answers too, as GitHub's
    /// extra fields are harmless to clients).
    func pullRequest(_ pull: EmulatedPullRequest, commentCount: Int) -> JSONValue {
        let api = apiRepo(pull.owner, pull.repo)
        let html = "\(htmlRepo(pull.owner, pull.repo))/pull/\(pull.number)"
        let url = "\(api)/pulls/\(pull.number)"
        let issueURL = "\(api)/issues/\(pull.number)"
        let statusesURL = "\(api)/statuses/\(pull.headSHA)"
        let headOwner = String(pull.headLabel.split(separator: ":", maxSplits: 1).first ?? "")
        let baseSHA = GitHubEmulatorState.fakeSHA("\(pull.owner)/\(pull.repo):\(pull.baseRef)")
        func link(_ href: String) -> JSONValue { ["href": .string(href)] }
        return [
            "url": .string(url), "id": .int(pull.id), "node_id": .string(pull.nodeID), "html_url": .string(html),
            "diff_url": .string("\(html).diff"), "patch_url": .string("\(html).patch"), "issue_url": .string(issueURL),
            "commits_url": .string("\(url)/commits"), "review_comments_url": .string("\(url)/comments"),
            "review_comment_url": .string("\(api)/pulls/comments{/number}"),
            "comments_url": .string("\(issueURL)/comments"), "statuses_url": .string(statusesURL),
            "number": .int(pull.number), "state": .string(pull.state), "locked": false, "title": .string(pull.title),
            "user": user(pull.userLogin), "body": .string(pull.body), "labels": [], "milestone": nil,
            "active_lock_reason": nil,
            "created_at": .string(GitHubEmulatorJSON.timestamp(pull.createdAt)),
            "updated_at": .string(GitHubEmulatorJSON.timestamp(pull.updatedAt)),
            "closed_at": .string(pull.closedAt.map(GitHubEmulatorJSON.timestamp)),
            "merged_at": nil, "merge_commit_sha": nil, "assignee": nil, "assignees": [],
            "requested_reviewers": [], "requested_teams": [],
            "head": [
                "label": .string(pull.headLabel), "ref": .string(pull.headRef), "sha": .string(pull.headSHA),
                "user": user(headOwner), "repo": repository(headOwner, pull.repo, fork: headOwner.lowercased() != pull.owner.lowercased()),
            ],
            "base": [
                "label": .string("\(pull.owner):\(pull.baseRef)"), "ref": .string(pull.baseRef), "sha": .string(baseSHA),
                "user": user(pull.owner), "repo": repository(pull.owner, pull.repo, fork: false),
            ],
            "_links": [
                "self": link(url), "html": link(html), "issue": link(issueURL), "comments": link("\(issueURL)/comments"),
                "review_comments": link("\(url)/comments"), "review_comment": link("\(api)/pulls/comments{/number}"),
                "commits": link("\(url)/commits"), "statuses": link(statusesURL),
            ],
            "author_association": "NONE", "auto_merge": nil, "draft": .bool(pull.draft),
            "merged": .bool(pull.merged), "mergeable": nil, "rebaseable": nil, "mergeable_state": "unknown",
            "merged_by": nil, "comments": .int(commentCount), "review_comments": 0,
            "maintainer_can_modify": .bool(pull.maintainerCanModify),
            "commits": 1, "additions": 0, "deletions": 0, "changed_files": 0,
        ]
    }

    /// `issue-comment`.
    func comment(_ comment: EmulatedComment) -> JSONValue {
        let api = apiRepo(comment.owner, comment.repo)
        return [
            "id": .int(comment.id), "node_id": .string(comment.nodeID),
            "url": .string("\(api)/issues/comments/\(comment.id)"),
            "html_url": .string("\(htmlRepo(comment.owner, comment.repo))/issues/\(comment.issueNumber)#issuecomment-\(comment.id)"),
            "body": .string(comment.body), "user": user(comment.userLogin),
            "created_at": .string(GitHubEmulatorJSON.timestamp(comment.createdAt)),
            "updated_at": .string(GitHubEmulatorJSON.timestamp(comment.updatedAt)),
            "issue_url": .string("\(api)/issues/\(comment.issueNumber)"),
            "author_association": "NONE", "performed_via_github_app": nil,
        ]
    }

    /// `reaction`.
    /// `check-run`.
    func checkRun(_ run: EmulatedCheckRun) -> JSONValue {
        let api = apiRepo(run.owner, run.repo)
        return .object([
            "id": .int(run.id), "node_id": .string("CR_emu\(run.id)"), "head_sha": .string(run.headSHA), "name": .string(run.name),
            "url": .string("\(api)/check-runs/\(run.id)"), "html_url": .string("\(htmlRepo(run.owner, run.repo))/runs/\(run.id)"),
            "details_url": .null, "status": .string(run.status), "conclusion": run.conclusion.map(JSONValue.string) ?? .null,
            "started_at": .string(GitHubEmulatorJSON.timestamp(run.startedAt)),
            "completed_at": run.completedAt.map { .string(GitHubEmulatorJSON.timestamp($0)) } ?? .null,
            "external_id": run.externalID.map(JSONValue.string) ?? .null,
            "check_suite": .object(["id": .int(run.id)]),
            "output": .object([
                "title": run.title.map(JSONValue.string) ?? .null, "summary": run.summary.map(JSONValue.string) ?? .null,
                "text": run.text.map(JSONValue.string) ?? .null, "annotations_count": .int(0),
                "annotations_url": .string("\(api)/check-runs/\(run.id)/annotations"),
            ]),
            "app": .null, "pull_requests": .array([]),
        ])
    }

    func reaction(_ reaction: EmulatedReaction) -> JSONValue {
        [
            "id": .int(reaction.id), "node_id": .string(reaction.nodeID), "user": user(reaction.userLogin),
            "content": .string(reaction.content), "created_at": .string(GitHubEmulatorJSON.timestamp(reaction.createdAt)),
        ]
    }

    /// `issue` for a seeded issue, or for a pull request (GitHub serves pull requests on the
    /// issues endpoint too, with a `pull_request` object).
    func issue(
        owner: String, repo: String, number: Int, id: Int, nodeID: String, title: String, body: String?,
        state: String, userLogin: String, createdAt: Date, updatedAt: Date, closedAt: Date?,
        commentCount: Int, pullRequestHTML: String?
    ) -> JSONValue {
        let api = "\(apiRepo(owner, repo))/issues/\(number)"
        var object: [String: JSONValue] = [
            "id": .int(id), "node_id": .string(nodeID), "url": .string(api),
            "repository_url": .string(apiRepo(owner, repo)), "labels_url": .string("\(api)/labels{/name}"),
            "comments_url": .string("\(api)/comments"), "events_url": .string("\(api)/events"),
            "html_url": .string(pullRequestHTML ?? "\(htmlRepo(owner, repo))/issues/\(number)"),
            "number": .int(number), "state": .string(state), "title": .string(title), "body": .string(body),
            "user": user(userLogin), "labels": [], "assignee": nil, "assignees": [], "milestone": nil,
            "locked": false, "active_lock_reason": nil, "comments": .int(commentCount),
            "closed_at": .string(closedAt.map(GitHubEmulatorJSON.timestamp)),
            "created_at": .string(GitHubEmulatorJSON.timestamp(createdAt)),
            "updated_at": .string(GitHubEmulatorJSON.timestamp(updatedAt)),
            "closed_by": nil, "author_association": "NONE", "performed_via_github_app": nil,
        ]
        if let pullRequestHTML {
            let pullAPI = "\(apiRepo(owner, repo))/pulls/\(number)"
            object["pull_request"] = [
                "url": .string(pullAPI), "html_url": .string(pullRequestHTML),
                "diff_url": .string("\(pullRequestHTML).diff"), "patch_url": .string("\(pullRequestHTML).patch"),
            ]
        }
        return .object(object)
    }
}
