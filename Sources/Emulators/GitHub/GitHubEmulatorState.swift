import Foundation

/// The in-memory world of the GitHub emulator: seeded issues, pull requests, comments,
/// reactions, queued faults and the log of every request received.
///
/// One instance backs one emulator; tests seed and inspect it directly. Repository
/// owner/name lookups are case-insensitive, as on GitHub. All writes made over HTTP are
/// attributed to one authenticated user (``userLogin``/``userID``, type `Bot` when the login
/// ends in `[bot]`).
public actor GitHubEmulatorState {
    /// Login the emulator reports as the author of everything created over HTTP.
    public nonisolated let userLogin: String
    /// Numeric id of ``userLogin``.
    public nonisolated let userID: Int
    /// The emulator's clock (see ``GitHubEmulatorClock``); move it with ``advanceClock(by:)``.
    public nonisolated let clock: GitHubEmulatorClock

    /// The emulator's current time, ``clock``'s `now()`.
    public nonisolated func now() -> Date { clock.now() }

    struct RepoKey: Hashable {
        var owner: String
        var repo: String
        init(_ owner: String, _ repo: String) {
            self.owner = owner.lowercased()
            self.repo = repo.lowercased()
        }
    }

    struct RepoData {
        /// Next number handed to a pull request (issues and pull requests share the sequence).
        var nextNumber = 1
        var issues: [Int: EmulatedIssue] = [:]
        var pulls: [Int: EmulatedPullRequest] = [:]
    }

    var repos: [RepoKey: RepoData] = [:]
    var allComments: [EmulatedComment] = []
    var allReactions: [EmulatedReaction] = []
    var allCheckRuns: [EmulatedCheckRun] = []
    /// Every version of each comment's body, by comment id, oldest first.
    var commentRevisions: [Int: [EmulatedCommentRevision]] = [:]
    var faults: [InjectedFault] = []
    var requests: [RecordedRequest] = []
    var lastID = 0
    /// How many more `GET /repos/{owner}/{repo}/pulls` answers come back empty (see ``answerNextPullListsStale(_:)``).
    var staleListAnswers = 0
    /// Bare git repositories behind the Git Data API, and branches that refuse writes.
    var git = GitHostingState()
    /// App mode: the registered GitHub App, its installations, the tokens minted, accepted PATs.
    var app: RegisteredApp?
    var installations: [Int64: EmulatedInstallation] = [:]
    var issuedTokens: [String: EmulatedInstallationToken] = [:]
    var personalAccessTokens: Set<String> = []
    var lastTokenID = 0
    /// Labels per issue or pull request, in the order they were added.
    var labels: [RepoKey: [Int: [String]]] = [:]
    /// Requested reviewers per pull request, in the order they were requested.
    var requestedReviewers: [RepoKey: [Int: [String]]] = [:]
    /// Roles set by ``setCollaboratorRole(owner:repo:login:role:)``, by lowercased login.
    var collaboratorRoles: [RepoKey: [String: String]] = [:]
    /// The role of a login with no role set (not the repository's owner): `write` unless changed
    /// with ``setDefaultCollaboratorRole(_:)``, so that scenarios need not list every sender.
    public internal(set) var defaultCollaboratorRole = "write"
    /// When true, comments and reactions on an issue nobody seeded create it (as if it existed on
    /// GitHub), so a standalone emulator works with any issue number. Off by default, as on GitHub.
    public private(set) var acceptsUnknownIssues = false

    /// Switches ``acceptsUnknownIssues``.
    public func setAcceptsUnknownIssues(_ accepts: Bool) {
        acceptsUnknownIssues = accepts
    }

    /// Creates an empty state.
    /// - Parameters:
    ///   - userLogin: author login for objects created over HTTP (a GitHub App shows as `<slug>[bot]`).
    ///   - userID: numeric id of that user.
    ///   - now: base clock for `created_at`/`updated_at` and token expiry; inject a fixed clock for
    ///     deterministic output. ``advanceClock(by:)`` adds an offset to it.
    public init(
        userLogin: String = "dayshift-emulator[bot]",
        userID: Int = 9_000_001,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.userLogin = userLogin
        self.userID = userID
        self.clock = GitHubEmulatorClock(base: now)
    }

    /// Moves the emulator's clock forward by `seconds`: installation tokens (1 hour) and App JWTs
    /// expire on it.
    public func advanceClock(by seconds: TimeInterval) {
        clock.advance(by: seconds)
    }

    // MARK: Seeding and inspection

    /// Seeds (or replaces) issue `number` so `GET /repos/{owner}/{repo}/issues/{number}` answers 200,
    /// and comments/reactions on it are accepted. Pull requests created later get numbers above it.
    @discardableResult
    public func seedIssue(
        owner: String, repo: String, number: Int, title: String, body: String? = nil, userLogin: String = "octocat"
    ) -> EmulatedIssue {
        let issue = EmulatedIssue(
            owner: owner, repo: repo, number: number, id: makeID(), nodeID: "I_emu\(lastID)",
            title: title, body: body, userLogin: userLogin, createdAt: now()
        )
        let key = RepoKey(owner, repo)
        var data = repos[key] ?? RepoData()
        data.issues[number] = issue
        data.nextNumber = max(data.nextNumber, number + 1)
        repos[key] = data
        return issue
    }

    /// The seeded issue `number`, if any.
    public func issue(owner: String, repo: String, number: Int) -> EmulatedIssue? {
        repos[RepoKey(owner, repo)]?.issues[number]
    }

    /// All pull requests of a repository (any state), ordered by number.
    public func pullRequests(owner: String, repo: String) -> [EmulatedPullRequest] {
        (repos[RepoKey(owner, repo)]?.pulls.values).map { $0.sorted { $0.number < $1.number } } ?? []
    }

    /// Pull request `number`, if it exists.
    public func pullRequest(owner: String, repo: String, number: Int) -> EmulatedPullRequest? {
        repos[RepoKey(owner, repo)]?.pulls[number]
    }

    /// Comments on issue or pull request `issue`, oldest first.
    public func comments(owner: String, repo: String, issue: Int) -> [EmulatedComment] {
        let key = RepoKey(owner, repo)
        return allComments.filter { RepoKey($0.owner, $0.repo) == key && $0.issueNumber == issue }
    }

    /// Every version of comment `id`'s body, oldest first (the created body, then each edit that
    /// changed it); empty for an unknown comment.
    public func commentHistory(owner: String, repo: String, id: Int) -> [EmulatedCommentRevision] {
        let key = RepoKey(owner, repo)
        guard allComments.contains(where: { $0.id == id && RepoKey($0.owner, $0.repo) == key }) else { return [] }
        return commentRevisions[id] ?? []
    }

    /// Check runs of the repository, oldest first.
    public func checkRuns(owner: String, repo: String) -> [EmulatedCheckRun] {
        let key = RepoKey(owner, repo)
        return allCheckRuns.filter { RepoKey($0.owner, $0.repo) == key }
    }

    /// Reactions on comment `commentID`, oldest first.
    public func commentReactions(owner: String, repo: String, commentID: Int) -> [EmulatedReaction] {
        let key = RepoKey(owner, repo)
        return allReactions.filter { RepoKey($0.owner, $0.repo) == key && $0.commentID == commentID }
    }

    /// Reactions on issue or pull request `issue` itself (not on its comments), oldest first.
    public func reactions(owner: String, repo: String, issue: Int) -> [EmulatedReaction] {
        let key = RepoKey(owner, repo)
        return allReactions.filter { RepoKey($0.owner, $0.repo) == key && $0.issueNumber == issue && $0.commentID == nil }
    }

    /// Every request received so far, in arrival order (see ``RecordedRequest``).
    public var recordedRequests: [RecordedRequest] { requests }

    /// Forgets the recorded requests only (state and faults are kept).
    public func clearRecordedRequests() { requests.removeAll() }

    // MARK: Faults

    /// Makes the next `count` requests matching `method` (nil = any) and `pathPrefix` fail with
    /// `status`, the given extra `headers` (e.g. `["retry-after": "1"]`) and a GitHub error body
    /// `{"message": message, "documentation_url": ...}`. Faults are served before authentication
    /// and routing; several faults queue in insertion order. A `count` below 1 does nothing.
    /// With `losingResponse` the request is handled first and only its answer is replaced (a
    /// created pull request whose `201` never reached the client).
    public func injectFault(
        method: String? = nil,
        pathPrefix: String = "/",
        status: Int,
        count: Int = 1,
        headers: [String: String] = [:],
        message: String? = nil,
        losingResponse: Bool = false
    ) {
        guard count > 0 else { return }
        faults.append(InjectedFault(
            method: method, pathPrefix: pathPrefix, status: status, remaining: count, headers: headers,
            message: message ?? InjectedFault.defaultMessage(forStatus: status), losesResponse: losingResponse
        ))
    }

    /// Faults still waiting to be served.
    public var pendingFaults: [InjectedFault] { faults }

    /// Makes the next `count` pull-request list answers empty, as GitHub's eventually consistent
    /// lists can be just after a pull request was created: a client that lists before creating then
    /// meets 422 "A pull request already exists".
    public func answerNextPullListsStale(_ count: Int) {
        staleListAnswers = max(0, count)
    }

    /// Drops every pending fault.
    public func clearFaults() { faults.removeAll() }

    /// Forgets everything: issues, pull requests, comments, reactions, labels, reviewers, faults,
    /// recorded requests, id counters, the registered app, installations, tokens and PATs. The
    /// clock keeps its offset.
    public func reset() {
        repos.removeAll()
        app = nil
        installations.removeAll()
        issuedTokens.removeAll()
        personalAccessTokens.removeAll()
        lastTokenID = 0
        labels.removeAll()
        requestedReviewers.removeAll()
        allComments.removeAll()
        allReactions.removeAll()
        commentRevisions.removeAll()
        allCheckRuns.removeAll()
        faults.removeAll()
        requests.removeAll()
        lastID = 0
    }

    // MARK: Internal helpers

    func makeID() -> Int {
        lastID += 1
        return lastID
    }

    func record(_ request: RecordedRequest) {
        requests.append(request)
    }

    /// Consumes one use of the first fault matching the request.
    func takeFault(method: String, path: String) -> InjectedFault? {
        guard let index = faults.firstIndex(where: { $0.matches(method: method, path: path) }) else { return nil }
        let fault = faults[index]
        faults[index].remaining -= 1
        if faults[index].remaining <= 0 { faults.remove(at: index) }
        return fault
    }
}
