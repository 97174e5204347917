import Foundation
import GitHub

/// The state changes behind each emulated endpoint. Inputs are already type-checked by the
/// route handlers; GitHub-level failures are thrown as ``GitHubAPIError``.
extension GitHubEmulatorState {
    /// Whether `number` is a seeded issue or a pull request (both accept comments and reactions).
    /// With ``acceptsUnknownIssues``, an unknown number is seeded on the spot as a placeholder issue.
    func issueOrPullExists(owner: String, repo: String, number: Int) -> Bool {
        let data = repos[RepoKey(owner, repo)]
        if data?.issues[number] != nil || data?.pulls[number] != nil { return true }
        guard acceptsUnknownIssues, number > 0 else { return false }
        seedIssue(owner: owner, repo: repo, number: number, title: "Issue #\(number)")
        return true
    }

    func commentCount(owner: String, repo: String, issue: Int) -> Int {
        comments(owner: owner, repo: repo, issue: issue).count
    }

    /// `POST /repos/{owner}/{repo}/pulls`. `head` is `branch` or `owner:branch`.
    func createPullRequest(
        owner: String, repo: String, title: String, head: String, base: String,
        body: String?, draft: Bool, maintainerCanModify: Bool
    ) throws -> EmulatedPullRequest {
        let (headOwner, headRef) = Self.splitHead(head, defaultOwner: owner)
        let label = "\(headOwner):\(headRef)"
        let key = RepoKey(owner, repo)
        var data = repos[key] ?? RepoData()
        try ensureNoOpenDuplicate(in: data, label: label, base: base, except: nil)
        let timestamp = now()
        let id = makeID()
        let pull = EmulatedPullRequest(
            owner: owner, repo: repo, number: data.nextNumber, id: id, nodeID: "PR_emu\(id)",
            title: title, body: body, state: "open", draft: draft, maintainerCanModify: maintainerCanModify,
            headRef: headRef, headLabel: label, headSHA: Self.fakeSHA("\(label)@\(id)"), baseRef: base,
            userLogin: userLogin, createdAt: timestamp, updatedAt: timestamp
        )
        data.pulls[pull.number] = pull
        data.nextNumber += 1
        repos[key] = data
        return pull
    }

    /// `PATCH /repos/{owner}/{repo}/pulls/{pull_number}`; nil arguments leave a field unchanged,
    /// `body: .some(nil)` clears the body.
    func updatePullRequest(
        owner: String, repo: String, number: Int,
        title: String?, body: String??, state: String?, base: String?, maintainerCanModify: Bool?
    ) throws -> EmulatedPullRequest {
        let key = RepoKey(owner, repo)
        guard var data = repos[key], var pull = data.pulls[number] else { throw GitHubAPIError.notFound }
        if let title { pull.title = title }
        if let body { pull.body = body }
        if let base { pull.baseRef = base }
        if let maintainerCanModify { pull.maintainerCanModify = maintainerCanModify }
        if let state, state != pull.state {
            if state == "open" {
                try ensureNoOpenDuplicate(in: data, label: pull.headLabel, base: pull.baseRef, except: number)
            }
            pull.state = state
            pull.closedAt = state == "closed" ? now() : nil
        }
        pull.updatedAt = now()
        data.pulls[number] = pull
        repos[key] = data
        return pull
    }

    /// `GET /repos/{owner}/{repo}/pulls`: filters by `state` (`open`, `closed`, `all`), `head`
    /// (`owner:branch`, or a bare branch name) and `base`; sorted by creation, newest first unless `ascending`.
    func listPullRequests(
        owner: String, repo: String, state: String, head: String?, base: String?, ascending: Bool
    ) -> [EmulatedPullRequest] {
        if staleListAnswers > 0 {
            // GitHub's lists are eventually consistent: a pull request can be missing for a moment.
            staleListAnswers -= 1
            return []
        }
        return pullRequests(owner: owner, repo: repo)
            .filter { state == "all" || $0.state == state }
            .filter { pull in
                guard let head, !head.isEmpty else { return true }
                return head.contains(":") ? pull.headLabel.lowercased() == head.lowercased() : pull.headRef == head
            }
            .filter { base == nil || base == "" || $0.baseRef == base }
            .sorted { ascending ? $0.number < $1.number : $0.number > $1.number }
    }

    /// `POST /repos/{owner}/{repo}/issues/{issue_number}/comments`.
    func createComment(owner: String, repo: String, issue: Int, body: String) throws -> EmulatedComment {
        guard issueOrPullExists(owner: owner, repo: repo, number: issue) else { throw GitHubAPIError.notFound }
        let timestamp = now()
        let id = makeID()
        let comment = EmulatedComment(
            owner: owner, repo: repo, issueNumber: issue, id: id, nodeID: "IC_emu\(id)",
            body: body, userLogin: userLogin, createdAt: timestamp, updatedAt: timestamp
        )
        allComments.append(comment)
        commentRevisions[id] = [EmulatedCommentRevision(body: body, at: timestamp)]
        return comment
    }

    /// Adds a comment written by someone else (`userLogin`, e.g. the person whose `/dayshift`
    /// comment a test's delivery carries), as if made on GitHub's web page.
    /// - Throws: ``GitHubAPIError/notFound`` when the issue does not exist.
    public func seedComment(owner: String, repo: String, issue: Int, body: String, userLogin: String) throws -> EmulatedComment {
        var comment = try createComment(owner: owner, repo: repo, issue: issue, body: body)
        guard let index = allComments.lastIndex(where: { $0.id == comment.id }) else { return comment }
        allComments[index].userLogin = userLogin
        comment.userLogin = userLogin
        return comment
    }

    /// `PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}`.
    func updateComment(owner: String, repo: String, id: Int, body: String) throws -> EmulatedComment {
        let key = RepoKey(owner, repo)
        guard let index = allComments.firstIndex(where: { $0.id == id && RepoKey($0.owner, $0.repo) == key }) else {
            throw GitHubAPIError.notFound
        }
        let changed = allComments[index].body != body
        allComments[index].body = body
        allComments[index].updatedAt = now()
        if changed { commentRevisions[id, default: []].append(EmulatedCommentRevision(body: body, at: allComments[index].updatedAt)) }
        return allComments[index]
    }

    /// `POST /repos/{owner}/{repo}/issues/{issue_number}/reactions`; `created` is false when the
    /// user had already left that reaction (GitHub then answers 200 with the existing one).
    func addReaction(owner: String, repo: String, issue: Int, content: String) throws -> (reaction: EmulatedReaction, created: Bool) {
        guard issueOrPullExists(owner: owner, repo: repo, number: issue) else { throw GitHubAPIError.notFound }
        if let existing = reactions(owner: owner, repo: repo, issue: issue)
            .first(where: { $0.content == content && $0.userLogin == userLogin })
        {
            return (existing, false)
        }
        let id = makeID()
        let reaction = EmulatedReaction(
            owner: owner, repo: repo, issueNumber: issue, id: id, nodeID: "REA_emu\(id)",
            content: content, userLogin: userLogin, createdAt: now()
        )
        allReactions.append(reaction)
        return (reaction, true)
    }

    /// `POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions`; `created` is false when
    /// the user had already left that reaction on the comment (GitHub then answers 200).
    func addCommentReaction(owner: String, repo: String, commentID: Int, content: String) throws -> (reaction: EmulatedReaction, created: Bool) {
        let key = RepoKey(owner, repo)
        guard let comment = allComments.first(where: { $0.id == commentID && RepoKey($0.owner, $0.repo) == key }) else {
            throw GitHubAPIError.notFound
        }
        if let existing = commentReactions(owner: owner, repo: repo, commentID: commentID)
            .first(where: { $0.content == content && $0.userLogin == userLogin })
        {
            return (existing, false)
        }
        let id = makeID()
        let reaction = EmulatedReaction(
            owner: owner, repo: repo, issueNumber: comment.issueNumber, id: id, nodeID: "REA_emu\(id)",
            content: content, userLogin: userLogin, createdAt: now(), commentID: commentID
        )
        allReactions.append(reaction)
        return (reaction, true)
    }

    /// The optional fields of a check run's create or update request.
    struct CheckRunUpdate {
        var status: String?
        var conclusion: String?
        var externalID: String?
        var title: String?
        var summary: String?
        var text: String?
    }

    /// `POST /repos/{owner}/{repo}/check-runs`.
    func createCheckRun(owner: String, repo: String, name: String, headSHA: String, update: CheckRunUpdate) -> EmulatedCheckRun {
        let status = update.conclusion != nil ? "completed" : (update.status ?? "queued")
        let run = EmulatedCheckRun(owner: owner, repo: repo, id: makeID(), name: name, headSHA: headSHA, status: status,
                                   conclusion: update.conclusion, externalID: update.externalID, title: update.title,
                                   summary: update.summary, text: update.text, startedAt: now(),
                                   completedAt: status == "completed" ? now() : nil)
        allCheckRuns.append(run)
        return run
    }

    /// `PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}`.
    func updateCheckRun(owner: String, repo: String, id: Int, update: CheckRunUpdate) throws -> EmulatedCheckRun {
        let key = RepoKey(owner, repo)
        guard let index = allCheckRuns.firstIndex(where: { $0.id == id && RepoKey($0.owner, $0.repo) == key }) else { throw GitHubAPIError.notFound }
        if let conclusion = update.conclusion {
            allCheckRuns[index].conclusion = conclusion
            allCheckRuns[index].status = "completed"
            allCheckRuns[index].completedAt = now()
        } else if let status = update.status {
            allCheckRuns[index].status = status
        }
        if let externalID = update.externalID { allCheckRuns[index].externalID = externalID }
        if let title = update.title { allCheckRuns[index].title = title }
        if let summary = update.summary { allCheckRuns[index].summary = summary }
        if let text = update.text { allCheckRuns[index].text = text }
        return allCheckRuns[index]
    }

    // MARK: Helpers

    private func ensureNoOpenDuplicate(in data: RepoData, label: String, base: String, except: Int?) throws {
        // GitHub refuses a second open pull request for the same head into the same base.
        let duplicate = data.pulls.values.contains {
            $0.state == "open" && $0.number != except && $0.headLabel.lowercased() == label.lowercased() && $0.baseRef == base
        }
        if duplicate {
            throw GitHubAPIError.validationFailed([
                GitHubValidationError(resource: "PullRequest", code: "custom", message: "A pull request already exists for \(label).")
            ])
        }
    }

    /// Splits `owner:branch` (or a bare `branch`) into owner and branch.
    static func splitHead(_ head: String, defaultOwner: String) -> (owner: String, ref: String) {
        guard let colon = head.firstIndex(of: ":") else { return (defaultOwner, head) }
        return (String(head[..<colon]), String(head[head.index(after: colon)...]))
    }

    /// A stable, fake 40-hex-digit commit id derived from `seed` (FNV-1a based).
    static func fakeSHA(_ seed: String) -> String {
        var result = ""
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var round: UInt8 = 0
        while result.count < 40 {
            for byte in Array(seed.utf8) + [round] {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            result += String(hash, radix: 16).leftPadded(to: 16)
            round &+= 1
        }
        return String(result.prefix(40))
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}

extension GitHubEmulatorState {
    /// Closes pull request `number` as a person would in GitHub's UI, merged or not (then
    /// `state` is `closed`, `merged` as given, `closed_at` now).
    /// - Throws: ``GitHub/GitHubAPIError/notFound`` for an unknown pull request.
    public func closePullRequest(owner: String, repo: String, number: Int, merged: Bool) throws {
        let key = RepoKey(owner, repo)
        guard var data = repos[key], var pull = data.pulls[number] else { throw GitHubAPIError.notFound }
        pull.state = "closed"
        pull.merged = merged
        pull.closedAt = now()
        pull.updatedAt = now()
        data.pulls[number] = pull
        repos[key] = data
    }
}
