import DayshiftCore
import GitHub
import Hummingbird

/// Check runs: `POST /repos/{owner}/{repo}/check-runs`, `PATCH …/check-runs/{check_run_id}`, and
/// `GET /repos/{owner}/{repo}/commits/{ref}/check-runs` (`check_name` filters by name).
/// `status: completed` requires a `conclusion` (422 otherwise), as on GitHub.
enum GitHubEmulatorCheckRoutes {
    static func add<Context: RequestContext>(to router: some RouterMethods<Context>, state: GitHubEmulatorState) {
        router.post("/repos/:owner/:repo/check-runs") { request, context in
            guard let owner = context.parameters.get("owner"), let repo = context.parameters.get("repo") else { throw GitHubAPIError.notFound }
            let object = try await request.jsonObjectBody()
            let fields = JSONFields(object: object, resource: "CheckRun")
            var errors: [GitHubValidationError] = []
            let name = fields.string("name", required: true, errors: &errors)
            let headSHA = fields.string("head_sha", required: true, errors: &errors)
            let update = try parse(fields, object, errors: &errors)
            guard errors.isEmpty, let name, let headSHA else { throw GitHubAPIError.validationFailed(errors) }
            let run = await state.createCheckRun(owner: owner, repo: repo, name: name, headSHA: headSHA, update: update)
            return GitHubEmulatorResponse.json(GitHubEmulatorRoutes.renderer(request, state).checkRun(run), status: .created)
        }
        router.patch("/repos/:owner/:repo/check-runs/:check_run_id") { request, context in
            let (owner, repo, id) = try GitHubEmulatorRoutes.target(context, "check_run_id")
            let object = try await request.jsonObjectBody()
            var errors: [GitHubValidationError] = []
            let update = try parse(JSONFields(object: object, resource: "CheckRun"), object, errors: &errors)
            guard errors.isEmpty else { throw GitHubAPIError.validationFailed(errors) }
            let run = try await state.updateCheckRun(owner: owner, repo: repo, id: id, update: update)
            return GitHubEmulatorResponse.json(GitHubEmulatorRoutes.renderer(request, state).checkRun(run), status: .ok)
        }
        router.get("/repos/:owner/:repo/commits/:ref/check-runs") { request, context in
            guard let owner = context.parameters.get("owner"), let repo = context.parameters.get("repo"),
                  let ref = context.parameters.get("ref") else { throw GitHubAPIError.notFound }
            let name = request.uri.queryParameters.get("check_name")
            let runs = await state.checkRuns(owner: owner, repo: repo).filter { $0.headSHA == ref && (name == nil || $0.name == name) }
            let renderer = GitHubEmulatorRoutes.renderer(request, state)
            return GitHubEmulatorResponse.json(JSONValue.object(["total_count": .int(runs.count), "check_runs": .array(runs.map(renderer.checkRun))]),
                                               status: .ok)
        }
    }

    /// The optional fields of a create or update: `status`, `conclusion`, `external_id`, `output`.
    static func parse(_ fields: JSONFields, _ object: [String: JSONValue], errors: inout [GitHubValidationError]) throws -> GitHubEmulatorState.CheckRunUpdate {
        var update = GitHubEmulatorState.CheckRunUpdate()
        update.status = fields.string("status", required: false, errors: &errors)
        update.conclusion = fields.string("conclusion", required: false, errors: &errors)
        update.externalID = fields.string("external_id", required: false, errors: &errors)
        if let status = update.status, !EmulatedCheckRun.validStatuses.contains(status) {
            errors.append(.init(resource: "CheckRun", field: "status", code: "invalid"))
        }
        if let conclusion = update.conclusion, !EmulatedCheckRun.validConclusions.contains(conclusion) {
            errors.append(.init(resource: "CheckRun", field: "conclusion", code: "invalid"))
        }
        if update.status == "completed", update.conclusion == nil {
            errors.append(.init(resource: "CheckRun", field: "conclusion", code: "missing_field"))
        }
        if case .object(let output)? = object["output"] {
            let outputFields = JSONFields(object: output, resource: "CheckRun")
            update.title = outputFields.string("title", required: true, errors: &errors)
            update.summary = outputFields.string("summary", required: true, errors: &errors)
            update.text = outputFields.string("text", required: false, errors: &errors)
        }
        return update
    }
}
