import Foundation

/// The fields of GitHub's `pull-request` object that Dayshift reads.
/// Source: `POST/GET/PATCH /repos/{owner}/{repo}/pulls…` in GitHub's REST description.
public struct PullRequest: Codable, Sendable, Equatable {
    public var number: Int
    public var htmlUrl: String
    public var state: String
    public var title: String
    public var body: String?
    public var draft: Bool?
    public var head: Ref

    public struct Ref: Codable, Sendable, Equatable {
        /// Branch name, e.g. `dayshift/issue-42`.
        public var ref: String
        /// `owner:branch`.
        public var label: String?
    }

    enum CodingKeys: String, CodingKey {
        case number, htmlUrl = "html_url", state, title, body, draft, head
    }
}

/// The fields of GitHub's `issue-comment` object that Dayshift reads.
/// Source: `/repos/{owner}/{repo}/issues/{issue_number}/comments` in GitHub's REST description.
public struct IssueComment: Codable, Sendable, Equatable {
    public var id: Int64
    public var body: String?
    public var htmlUrl: String?
    /// Who wrote it (`user`: `id`, `login`, `type` — `Bot` for an App's bot user).
    public var user: Author?

    /// The fields of a comment's `user` that Dayshift reads.
    public struct Author: Codable, Sendable, Equatable {
        public var id: Int64?
        public var login: String?
        public var type: String?
    }

    enum CodingKeys: String, CodingKey {
        case id, body, htmlUrl = "html_url", user
    }

    /// True when this is Dayshift's own comment carrying `marker`: the marker is in the body and
    /// the author is Dayshift — its bot user (`github.bot_user_id`) when that is known, else any
    /// bot user when Dayshift signs in as an App. (With a personal access token the author cannot be
    /// told apart, and the marker alone decides.) A person who copies the marker into a comment of
    /// their own does not make it Dayshift's.
    public func isDayshifts(marker: String, botUserID: Int64, signedInAsApp: Bool) -> Bool {
        guard body?.contains(marker) == true else { return false }
        if botUserID > 0 { return user?.id == botUserID }
        if signedInAsApp { return user?.type == "Bot" }
        return true
    }
}

/// The fields of GitHub's `label` object that Dayshift reads (`/repos/{owner}/{repo}/issues/{issue_number}/labels`).
struct Label: Decodable, Sendable {
    var name: String
}

/// `GET /app`'s `integration`, the fields Dayshift reads.
public struct AuthenticatedApp: Decodable, Sendable, Equatable {
    public var id: Int64
    public var slug: String?
    public var name: String
}

/// `GET /rate_limit`'s `rate-limit-overview`, the fields Dayshift reads.
public struct RateLimitOverview: Decodable, Sendable, Equatable {
    public struct Budget: Decodable, Sendable, Equatable {
        public var limit: Int
        public var remaining: Int
    }

    public struct Resources: Decodable, Sendable, Equatable {
        public var core: Budget
    }

    public var resources: Resources
}
