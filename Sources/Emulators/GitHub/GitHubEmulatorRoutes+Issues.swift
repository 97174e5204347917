import DayshiftCore
import GitHub
import Hummingbird

/// Issue endpoints: `GET /repos/{owner}/{repo}/issues/{issue_number}`,
/// `POST|GET …/issues/{issue_number}/comments`, `PATCH …/issues/comments/{comment_id}`,
/// `POST …/issues/{issue_number}/reactions`, `POST …/issues/comments/{comment_id}/reactions`, and
/// the emulator's own `GET /_emulator/repos/{owner}/{repo}/issues/comments/{comment_id}/history`.
enum GitHubEmulatorIssueRoutes {
    static func add<Context: RequestContext>(to router: some RouterMethods<Context>, state: GitHubEmulatorState) {
        router.get("/repos/:owner/:repo/issues/:issue_number") { request, context in
            try await getIssue(request, context, state)
        }
        router.post("/repos/:owner/:repo/issues/:issue_number/comments") { request, context in
            let (owner, repo, number) = try GitHubEmulatorRoutes.target(context, "issue_number")
            let body = try await commentBody(request)
            let comment = try await state.createComment(owner: owner, repo: repo, issue: number, body: body)
            let renderer = GitHubEmulatorRoutes.renderer(request, state)
            var headers: HTTPFields = [:]
            headers[.location] = "\(renderer.apiRepo(owner, repo))/issues/comments/\(comment.id)"
            return GitHubEmulatorResponse.json(renderer.comment(comment), status: .created, extraHeaders: headers)
        }
        router.get("/repos/:owner/:repo/issues/:issue_number/comments") { request, context in
            let (owner, repo, number) = try GitHubEmulatorRoutes.target(context, "issue_number")
            guard await state.issueOrPullExists(owner: owner, repo: repo, number: number) else { throw GitHubAPIError.notFound }
            let renderer = GitHubEmulatorRoutes.renderer(request, state)
            let comments = await state.comments(owner: owner, repo: repo, issue: number)
            let (page, headers) = GitHubEmulatorResponse.paginated(comments, request: request, base: renderer.base)
            return GitHubEmulatorResponse.json(JSONValue.array(page.map(renderer.comment)), status: .ok, extraHeaders: headers)
        }
        router.patch("/repos/:owner/:repo/issues/comments/:comment_id") { request, context in
            let (owner, repo, id) = try GitHubEmulatorRoutes.target(context, "comment_id")
            let body = try await commentBody(request)
            let comment = try await state.updateComment(owner: owner, repo: repo, id: id, body: body)
            let renderer = GitHubEmulatorRoutes.renderer(request, state)
            return GitHubEmulatorResponse.json(renderer.comment(comment), status: .ok)
        }
        router.post("/repos/:owner/:repo/issues/:issue_number/reactions") { request, context in
            let (owner, repo, number) = try GitHubEmulatorRoutes.target(context, "issue_number")
            let content = try await reactionContent(request)
            let (reaction, created) = try await state.addReaction(owner: owner, repo: repo, issue: number, content: content)
            let renderer = GitHubEmulatorRoutes.renderer(request, state)
            return GitHubEmulatorResponse.json(renderer.reaction(reaction), status: created ? .created : .ok)
        }
        router.post("/repos/:owner/:repo/issues/comments/:comment_id/reactions") { request, context in
            let (owner, repo, id) = try GitHubEmulatorRoutes.target(context, "comment_id")
            let content = try await reactionContent(request)
            let (reaction, created) = try await state.addCommentReaction(owner: owner, repo: repo, commentID: id, content: content)
            let renderer = GitHubEmulatorRoutes.renderer(request, state)
            return GitHubEmulatorResponse.json(renderer.reaction(reaction), status: created ? .created : .ok)
        }
        // Not GitHub: what people saw of a comment, version by version (see EmulatedCommentRevision).
        router.get("/_emulator/repos/:owner/:repo/issues/comments/:comment_id/history") { _, context in
            let (owner, repo, id) = try GitHubEmulatorRoutes.target(context, "comment_id")
            let history = await state.commentHistory(owner: owner, repo: repo, id: id)
            guard !history.isEmpty else { throw GitHubAPIError.notFound }
            let revisions = history.enumerated().map { index, revision in
                JSONValue.object(["revision": .int(index), "body": .string(revision.body),
                                  "at": .string(GitHubEmulatorJSON.timestamp(revision.at))])
            }
            return GitHubEmulatorResponse.json(JSONValue.array(revisions), status: .ok)
        }
    }

    /// The required `content` of a reaction request, one of ``EmulatedReaction/validContents``.
    static func reactionContent(_ request: Request) async throws -> String {
        let fields = JSONFields(object: try await request.jsonObjectBody(), resource: "Reaction")
        var errors: [GitHubValidationError] = []
        let content = fields.string("content", required: true, errors: &errors)
        guard errors.isEmpty, let content else { throw GitHubAPIError.validationFailed(errors) }
        guard EmulatedReaction.validContents.contains(content) else {
            throw GitHubAPIError.validationFailed([.init(resource: "Reaction", field: "content", code: "invalid")])
        }
        return content
    }

    /// `GET /repos/{owner}/{repo}/issues/{issue_number}` → 200 `issue` for a seeded issue or a
    /// pull request (with `pull_request`), else 404.
    static func getIssue<Context: RequestContext>(_ request: Request, _ context: Context, _ state: GitHubEmulatorState) async throws -> Response {
        let (owner, repo, number) = try GitHubEmulatorRoutes.target(context, "issue_number")
        let renderer = GitHubEmulatorRoutes.renderer(request, state)
        let count = await state.commentCount(owner: owner, repo: repo, issue: number)
        let json: JSONValue
        if let issue = await state.issue(owner: owner, repo: repo, number: number) {
            json = renderer.issue(
                owner: issue.owner, repo: issue.repo, number: issue.number, id: issue.id, nodeID: issue.nodeID,
                title: issue.title, body: issue.body, state: issue.state, userLogin: issue.userLogin,
                createdAt: issue.createdAt, updatedAt: issue.createdAt, closedAt: nil,
                commentCount: count, pullRequestHTML: nil
            )
        } else if let pull = await state.pullRequest(owner: owner, repo: repo, number: number) {
            json = renderer.issue(
                owner: pull.owner, repo: pull.repo, number: pull.number, id: pull.id, nodeID: pull.nodeID,
                title: pull.title, body: pull.body, state: pull.state, userLogin: pull.userLogin,
                createdAt: pull.createdAt, updatedAt: pull.updatedAt, closedAt: pull.closedAt,
                commentCount: count, pullRequestHTML: "\(renderer.htmlRepo(owner, repo))/pull/\(number)"
            )
        } else {
            throw GitHubAPIError.notFound
        }
        return GitHubEmulatorResponse.json(json, status: .ok)
    }

    /// The required `body` string of a comment create/update request.
    static func commentBody(_ request: Request) async throws -> String {
        let fields = JSONFields(object: try await request.jsonObjectBody(), resource: "IssueComment")
        var errors: [GitHubValidationError] = []
        guard let body = fields.string("body", required: true, errors: &errors), errors.isEmpty else {
            throw GitHubAPIError.validationFailed(errors)
        }
        return body
    }
}

/// Helpers shared by the route files.
enum GitHubEmulatorRoutes {
    /// `owner`, `repo` and the integer path parameter `name`; 404 when it is not a number.
    static func target(_ context: some RequestContext, _ name: String) throws -> (owner: String, repo: String, number: Int) {
        guard let owner = context.parameters.get("owner"), let repo = context.parameters.get("repo"),
              let number = context.parameters.get(name, as: Int.self)
        else { throw GitHubAPIError.notFound }
        return (owner, repo, number)
    }

    static func renderer(_ request: Request, _ state: GitHubEmulatorState) -> GitHubEmulatorRenderer {
        GitHubEmulatorRenderer(base: request.emulatorBaseURL, botLogin: state.userLogin, botID: state.userID)
    }
}
