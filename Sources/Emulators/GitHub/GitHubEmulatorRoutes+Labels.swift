import DayshiftCore
import GitHub
import Hummingbird

/// `POST /repos/{owner}/{repo}/issues/{issue_number}/labels` `{"labels": [names]}` → 200 `[label]`
/// (every label the issue now has); 422 when `labels` is missing or not an array of strings.
/// `POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers` `{"reviewers"?, "team_reviewers"?}`
/// → 201 `pull-request` with `requested_reviewers`; 404 unknown pull request, 422 author as reviewer.
enum GitHubEmulatorLabelRoutes {
    static func add<Context: RequestContext>(to router: some RouterMethods<Context>, state: GitHubEmulatorState) {
        router.post("/repos/:owner/:repo/issues/:issue_number/labels") { request, context in
            let (owner, repo, number) = try GitHubEmulatorRoutes.target(context, "issue_number")
            let names = try strings(try await request.jsonObjectBody(), "labels", resource: "Label", required: true)
            let all = try await state.addLabels(owner: owner, repo: repo, number: number, names: names)
            let renderer = GitHubEmulatorRoutes.renderer(request, state)
            return GitHubEmulatorResponse.json(JSONValue.array(all.map { renderer.label(owner, repo, $0) }), status: .ok)
        }
        router.post("/repos/:owner/:repo/pulls/:pull_number/requested_reviewers") { request, context in
            let (owner, repo, number) = try GitHubEmulatorRoutes.target(context, "pull_number")
            let body = try await request.jsonObjectBody()
            let reviewers = try strings(body, "reviewers", resource: "PullRequest", required: false)
            _ = try strings(body, "team_reviewers", resource: "PullRequest", required: false)
            let pull = try await state.requestReviewers(owner: owner, repo: repo, number: number, reviewers: reviewers)
            return try await GitHubEmulatorPullRoutes.render(pull, status: .created, request: request, state: state)
        }
    }

    /// An array-of-strings field; 422 `missing_field` (when required) or `invalid`.
    static func strings(_ body: [String: JSONValue], _ name: String, resource: String, required: Bool) throws -> [String] {
        switch body[name] {
        case nil, .null:
            if required { throw GitHubAPIError.validationFailed([.init(resource: resource, field: name, code: "missing_field")]) }
            return []
        case .array(let items):
            return try items.map {
                guard case .string(let value) = $0 else {
                    throw GitHubAPIError.validationFailed([.init(resource: resource, field: name, code: "invalid")])
                }
                return value
            }
        default:
            throw GitHubAPIError.validationFailed([.init(resource: resource, field: name, code: "invalid")])
        }
    }
}
