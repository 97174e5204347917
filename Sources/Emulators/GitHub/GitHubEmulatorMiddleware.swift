import Foundation
import GitHub
import Hummingbird

/// Runs in front of every route (and of the not-found fallback), in this order:
/// 1. collects the body, 2. serves a matching injected fault, 3. answers 401 unless
/// `Authorization: Bearer …` / `Authorization: token …` is present, 4. in App mode checks the token
/// (``GitHubEmulatorState/authorize(method:path:token:)``), 5. calls the route, 6. turns thrown
/// errors into GitHub error bodies, 7. records the request with its status and token kind.
struct GitHubEmulatorMiddleware<Context: RequestContext>: RouterMiddleware {
    let state: GitHubEmulatorState

    /// Headers copied into ``RecordedRequest/headers``.
    static var recordedHeaderNames: [String] { ["accept", "content-type", "user-agent", "x-github-api-version"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let body = (try? await request.collectBody(upTo: GitHubEmulator.maxBodySize)) ?? ByteBuffer()
        let authorization = request.headers[.authorization]
        let response = await respond(request, context: context, authorization: authorization, next: next)
        var credential: GitHubEmulatorState.Credential?
        if let token = Self.bearerToken(authorization) { credential = await state.classify(token: token) }

        var headers: [String: String] = [:]
        for name in Self.recordedHeaderNames {
            if let fieldName = HTTPFieldName(name), let value = request.headers[fieldName] { headers[name] = value }
        }
        await state.record(RecordedRequest(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query,
            headers: headers,
            hasAuthorization: authorization != nil,
            authorizationScheme: authorization.flatMap { $0.split(separator: " ").first.map(String.init) },
            body: Data(body.readableBytesView),
            responseStatus: response.status.code,
            tokenKind: credential.map(Self.kind),
            tokenID: credential.flatMap(Self.tokenID),
            answeredAt: state.now()
        ))
        return response
    }

    private func respond(
        _ request: Request, context: Context, authorization: String?,
        next: (Request, Context) async throws -> Response
    ) async -> Response {
        if let fault = await state.takeFault(method: request.method.rawValue, path: request.uri.path) {
            if fault.losesResponse == true, Self.isAcceptable(authorization: authorization) {
                _ = try? await next(request, context)
            }
            return Self.response(for: fault)
        }
        guard Self.isAcceptable(authorization: authorization), let token = Self.bearerToken(authorization) else {
            return GitHubAPIError.requiresAuthentication.response
        }
        do {
            try await state.authorize(method: request.method.rawValue, path: request.uri.path, token: token)
            return try await next(request, context)
        } catch let error as GitHubAPIError {
            return error.response
        } catch let error as any HTTPResponseError {
            let message = error.status == .notFound ? "Not Found" : error.status.reasonPhrase
            return GitHubAPIError(error.status, message: message).response
        } catch {
            return GitHubAPIError(.internalServerError, message: "Server Error").response
        }
    }

    /// `Bearer <token>` or `token <token>` (scheme case-insensitive, token non-empty).
    static func isAcceptable(authorization: String?) -> Bool {
        guard let parts = authorization?.split(separator: " ", omittingEmptySubsequences: true), parts.count == 2 else {
            return false
        }
        return ["bearer", "token"].contains(parts[0].lowercased())
    }

    /// The token of an acceptable `Authorization` header.
    static func bearerToken(_ authorization: String?) -> String? {
        guard isAcceptable(authorization: authorization), let parts = authorization?.split(separator: " ") else { return nil }
        return parts.last.map(String.init)
    }

    static func kind(_ credential: GitHubEmulatorState.Credential) -> String {
        switch credential {
        case .jwt: "jwt"
        case .installation: "installation"
        case .pat: "pat"
        case .unregistered: "unregistered"
        }
    }

    static func tokenID(_ credential: GitHubEmulatorState.Credential) -> Int? {
        guard case .installation(let record) = credential else { return nil }
        return record.id
    }

    static func response(for fault: InjectedFault) -> Response {
        let status = HTTPResponse.Status(code: fault.status)
        var headers: HTTPFields = [:]
        for (name, value) in fault.headers.sorted(by: { $0.key < $1.key }) {
            if let fieldName = HTTPFieldName(name) { headers[fieldName] = value }
        }
        return GitHubEmulatorResponse.json(
            GitHubErrorBody(message: fault.message, status: fault.status), status: status, extraHeaders: headers
        )
    }
}
