import DayshiftCore
import GitHub
import Hummingbird

/// Pull request endpoints: `POST|GET /repos/{owner}/{repo}/pulls`,
/// `GET|PATCH /repos/{owner}/{repo}/pulls/{pull_number}`.
enum GitHubEmulatorPullRoutes {
    static func add<Context: RequestContext>(to router: some RouterMethods<Context>, state: GitHubEmulatorState) {
        router.post("/repos/:owner/:repo/pulls") { request, context in
            try await create(request, context, state)
        }
        router.get("/repos/:owner/:repo/pulls") { request, context in
            try await list(request, context, state)
        }
        router.get("/repos/:owner/:repo/pulls/:pull_number") { request, context in
            let (owner, repo, number) = try GitHubEmulatorRoutes.target(context, "pull_number")
            guard let pull = await state.pullRequest(owner: owner, repo: repo, number: number) else {
                throw GitHubAPIError.notFound
            }
            return try await render(pull, status: .ok, request: request, state: state)
        }
        router.patch("/repos/:owner/:repo/pulls/:pull_number") { request, context in
            try await update(request, context, state)
        }
    }

    /// `POST /repos/{owner}/{repo}/pulls` → 201 `pull-request`, 422 on missing fields or an
    /// existing open pull request for the same head and base.
    static func create<Context: RequestContext>(_ request: Request, _ context: Context, _ state: GitHubEmulatorState) async throws -> Response {
        let owner = try context.parameters.require("owner")
        let repo = try context.parameters.require("repo")
        let fields = JSONFields(object: try await request.jsonObjectBody(), resource: "PullRequest")
        var errors: [GitHubValidationError] = []
        let title = fields.string("title", required: true, errors: &errors)
        let head = fields.string("head", required: true, errors: &errors)
        let base = fields.string("base", required: true, errors: &errors)
        let body = fields.string("body", required: false, errors: &errors)
        let draft = fields.bool("draft", errors: &errors)
        let maintainerCanModify = fields.bool("maintainer_can_modify", errors: &errors)
        guard errors.isEmpty, let title, let head, let base else { throw GitHubAPIError.validationFailed(errors) }
        let pull = try await state.createPullRequest(
            owner: owner, repo: repo, title: title, head: head, base: base, body: body,
            draft: draft ?? false, maintainerCanModify: maintainerCanModify ?? true
        )
        return try await render(pull, status: .created, request: request, state: state)
    }

    /// `GET /repos/{owner}/{repo}/pulls?state=&head=&base=&direction=&per_page=&page=` → 200 array.
    static func list<Context: RequestContext>(_ request: Request, _ context: Context, _ state: GitHubEmulatorState) async throws -> Response {
        let owner = try context.parameters.require("owner")
        let repo = try context.parameters.require("repo")
        let query = request.uri.queryParameters
        let stateFilter = query.get("state") ?? "open"
        guard ["open", "closed", "all"].contains(stateFilter) else {
            throw GitHubAPIError.validationFailed([.init(resource: "PullRequest", field: "state", code: "invalid")])
        }
        let pulls = await state.listPullRequests(
            owner: owner, repo: repo, state: stateFilter, head: query.get("head"), base: query.get("base"),
            ascending: query.get("direction") == "asc"
        )
        let renderer = GitHubEmulatorRoutes.renderer(request, state)
        let (page, headers) = GitHubEmulatorResponse.paginated(pulls, request: request, base: renderer.base)
        var items: [JSONValue] = []
        for pull in page {
            items.append(await decorated(pull, renderer: renderer, state: state))
        }
        return GitHubEmulatorResponse.json(JSONValue.array(items), status: .ok, extraHeaders: headers)
    }

    /// `PATCH /repos/{owner}/{repo}/pulls/{pull_number}` with any of `title`, `body`, `state`
    /// (`open`/`closed`), `base`, `maintainer_can_modify` → 200 `pull-request`.
    static func update<Context: RequestContext>(_ request: Request, _ context: Context, _ state: GitHubEmulatorState) async throws -> Response {
        let (owner, repo, number) = try GitHubEmulatorRoutes.target(context, "pull_number")
        let fields = JSONFields(object: try await request.jsonObjectBody(), resource: "PullRequest")
        var errors: [GitHubValidationError] = []
        let title = fields.string("title", required: false, errors: &errors)
        let body = fields.string("body", required: false, errors: &errors)
        let newState = fields.string("state", required: false, errors: &errors)
        let base = fields.string("base", required: false, errors: &errors)
        let maintainerCanModify = fields.bool("maintainer_can_modify", errors: &errors)
        if let newState, !["open", "closed"].contains(newState) {
            errors.append(.init(resource: "PullRequest", field: "state", code: "invalid"))
        }
        guard errors.isEmpty else { throw GitHubAPIError.validationFailed(errors) }
        let pull = try await state.updatePullRequest(
            owner: owner, repo: repo, number: number, title: title,
            body: fields.has("body") ? .some(body) : .none, state: newState, base: base,
            maintainerCanModify: maintainerCanModify
        )
        return try await render(pull, status: .ok, request: request, state: state)
    }

    static func render(_ pull: EmulatedPullRequest, status: HTTPResponse.Status, request: Request, state: GitHubEmulatorState) async throws -> Response {
        let renderer = GitHubEmulatorRoutes.renderer(request, state)
        var headers: HTTPFields = [:]
        if status == .created {
            headers[.location] = "\(renderer.apiRepo(pull.owner, pull.repo))/pulls/\(pull.number)"
        }
        return GitHubEmulatorResponse.json(await decorated(pull, renderer: renderer, state: state), status: status, extraHeaders: headers)
    }

    /// The rendered pull request with its comment count, labels and requested reviewers.
    static func decorated(_ pull: EmulatedPullRequest, renderer: GitHubEmulatorRenderer, state: GitHubEmulatorState) async -> JSONValue {
        let count = await state.commentCount(owner: pull.owner, repo: pull.repo, issue: pull.number)
        guard case .object(var object) = renderer.pullRequest(pull, commentCount: count) else { return .null }
        let labels = await state.labels(owner: pull.owner, repo: pull.repo, number: pull.number)
        let reviewers = await state.requestedReviewers(owner: pull.owner, repo: pull.repo, number: pull.number)
        object["labels"] = .array(labels.map { renderer.label(pull.owner, pull.repo, $0) })
        object["requested_reviewers"] = .array(reviewers.map { renderer.user($0) })
        return .object(object)
    }
}
