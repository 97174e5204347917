import DayshiftCore
import Foundation
import GitHub
import Hummingbird

/// GitHub App endpoints, authenticated with the App JWT (see ``GitHubEmulatorJWTVerifier``):
/// `GET /repos/{owner}/{repo}/installation`, `POST /app/installations/{installation_id}/access_tokens`
/// and `GET /app`; and `GET /rate_limit` (any accepted token).
enum GitHubEmulatorAppRoutes {
    static func add<Context: RequestContext>(to router: some RouterMethods<Context>, state: GitHubEmulatorState) {
        router.get("/repos/:owner/:repo/installation") { request, context in
            try await state.verifyAppJWT(try bearer(request))
            let owner = try context.parameters.require("owner")
            let repo = try context.parameters.require("repo")
            guard let installation = await state.installation(owner: owner, repo: repo) else { throw GitHubAPIError.notFound }
            let renderer = GitHubEmulatorRoutes.renderer(request, state)
            return GitHubEmulatorResponse.json(
                renderer.installation(installation, app: await state.registeredApp, now: state.now()), status: .ok
            )
        }
        router.post("/app/installations/:installation_id/access_tokens") { request, context in
            try await mint(request, context, state)
        }
        router.get("/rate_limit") { _, _ in
            // Any accepted token (the middleware checked it); the emulator has no budget to spend.
            let core: JSONValue = ["limit": 5000, "remaining": 5000, "reset": .int(Int(state.now().timeIntervalSince1970) + 3600), "used": 0]
            return GitHubEmulatorResponse.json(JSONValue.object(["resources": ["core": core], "rate": core]), status: .ok)
        }
        router.get("/app") { request, _ in
            try await state.verifyAppJWT(try bearer(request))
            guard let app = await state.registeredApp else { throw GitHubAPIError.notFound }
            let owner: [String: JSONValue] = ["login": .string(app.slug), "id": .int(Int(app.id)), "type": .string("Organization")]
            return GitHubEmulatorResponse.json(JSONValue.object([
                "id": .int(Int(app.id)), "slug": .string(app.slug), "name": .string(app.slug), "client_id": .string(app.clientID),
                "node_id": .string("A_\(app.id)"), "owner": .object(owner), "description": .string(""), "external_url": .string(""),
                "html_url": .string("https://github.com/apps/\(app.slug)"), "permissions": .object([:]), "events": .array([]),
                "created_at": .string("2026-01-01T00:00:00Z"), "updated_at": .string("2026-01-01T00:00:00Z"),
            ]), status: .ok)
        }
    }

    /// `POST /app/installations/{installation_id}/access_tokens` `{repositories?, permissions?}` →
    /// 201 `installation-token` (1 hour on the emulator's clock); 401 bad JWT, 404 unknown
    /// installation, 422 narrowing outside the installation or malformed fields.
    static func mint<Context: RequestContext>(_ request: Request, _ context: Context, _ state: GitHubEmulatorState) async throws -> Response {
        try await state.verifyAppJWT(try bearer(request))
        guard let id = context.parameters.get("installation_id", as: Int64.self) else { throw GitHubAPIError.notFound }
        let body = try await request.jsonObjectBody()
        var repositories: [String]?
        switch body["repositories"] {
        case nil, .null: repositories = nil
        case .array(let items):
            repositories = try items.map {
                guard case .string(let name) = $0 else { throw invalid("repositories") }
                return name
            }
        default: throw invalid("repositories")
        }
        var permissions: [String: String]?
        switch body["permissions"] {
        case nil, .null: permissions = nil
        case .object(let items):
            permissions = try items.mapValues {
                guard case .string(let level) = $0 else { throw invalid("permissions") }
                return level
            }
        default: throw invalid("permissions")
        }
        let (token, record, account) = try await state.mintInstallationToken(
            installationID: id, repositories: repositories, permissions: permissions
        )
        let renderer = GitHubEmulatorRoutes.renderer(request, state)
        return GitHubEmulatorResponse.json(renderer.installationToken(token, record: record, account: account), status: .created)
    }

    /// The bearer token of the request (the middleware has already required one).
    static func bearer(_ request: Request) throws -> String {
        guard let token = GitHubEmulatorMiddleware<BasicRequestContext>.bearerToken(request.headers[.authorization]) else {
            throw GitHubAPIError.requiresAuthentication
        }
        return token
    }

    static func invalid(_ field: String) -> GitHubAPIError {
        GitHubAPIError.validationFailed([.init(resource: "Installation", field: field, code: "invalid")])
    }
}
