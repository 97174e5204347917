import Foundation
import Hummingbird

/// Runs in front of every route (and of the not-found fallback):
/// 1. collects the body; 2. on `/api/…` (except the public `GET /api/config`, and
/// `/api/socket.io/`, answered 404 since the emulator sends no state events) and
/// `/toolbox/…`, answers 401 unless `Authorization: Bearer <key>` matches; 3. serves injected
/// faults (429 on the main API, bare 502 on the toolbox); 4. calls the route and renders thrown
/// errors in the shape of the surface (NestJS on `/api`, Go on `/toolbox`); 5. records the
/// request with its status.
struct DaytonaEmulatorMiddleware<Context: RequestContext>: RouterMiddleware {
    let state: DaytonaEmulatorState
    /// The accepted bearer token; nil accepts any non-empty one.
    let apiKey: String?

    static var recordedHeaderNames: [String] {
        ["content-type", "user-agent", "x-daytona-source", "x-daytona-sdk-version", "x-daytona-split-output"]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let body = (try? await request.collectBody(upTo: DaytonaEmulator.maxBodySize)) ?? ByteBuffer()
        let path = request.uri.path
        let surface = DaytonaRecordedRequest.surface(of: path)
        let authorization = request.headers[.authorization]
        let response: Response
        switch surface {
        case .api: response = await api(request, context: context, authorization: authorization, next: next)
        case .toolbox: response = await toolbox(request, context: context, authorization: authorization, next: next)
        case .control: response = await control(request, context: context, next: next)
        case .other: response = DaytonaAPIError(.notFound, "Cannot \(request.method.rawValue) \(path)").response(path: path)
        }
        var headers: [String: String] = [:]
        for name in Self.recordedHeaderNames {
            if let value = request.daytonaHeader(name) { headers[name] = value }
        }
        await state.record(DaytonaRecordedRequest(
            method: request.method.rawValue, path: path, query: request.uri.query, headers: headers,
            hasAuthorization: authorization != nil, body: Data(body.readableBytesView),
            responseStatus: Int(response.status.code), surface: surface))
        return response
    }

    // MARK: Surfaces

    private func api(
        _ request: Request, context: Context, authorization: String?, next: (Request, Context) async throws -> Response
    ) async -> Response {
        let path = request.uri.path
        let fullPath = request.uri.query.map { "\(path)?\($0)" } ?? path
        if path.hasPrefix("/api/socket.io") {
            // No Socket.IO state events: the SDKs fall back to polling `GET /sandbox/{id}`.
            return DaytonaAPIError(.notFound, "Cannot \(request.method.rawValue) \(path)").response(path: fullPath)
        }
        let isPublic = request.method == .get && path == "/api/config"
        if !isPublic {
            guard isAccepted(authorization) else { return DaytonaAPIError.unauthorized.response(path: fullPath) }
            if let limit = await state.takeRateLimit() {
                return Self.rateLimited(limit.retryAfterSeconds, throttler: limit.throttler).response(path: fullPath)
            }
        }
        do {
            return try await next(request, context)
        } catch let error as DaytonaAPIError {
            return error.response(path: fullPath)
        } catch let error as any HTTPResponseError where error.status == .notFound {
            return DaytonaAPIError(.notFound, "Cannot \(request.method.rawValue) \(path)").response(path: fullPath)
        } catch let error as any HTTPResponseError {
            return DaytonaAPIError(error.status, error.status.reasonPhrase).response(path: fullPath)
        } catch {
            return DaytonaAPIError(.internalServerError, "An unexpected error occurred.").response(path: fullPath)
        }
    }

    private func toolbox(
        _ request: Request, context: Context, authorization: String?, next: (Request, Context) async throws -> Response
    ) async -> Response {
        let method = request.method.rawValue
        let daemonPath = DaytonaRecordedRequest.specPath(of: request.uri.path, surface: .toolbox)
        guard isAccepted(authorization) else { return DaytonaToolboxError.unauthorized.response(path: daemonPath, method: method) }
        if await state.takeToolboxBadGateway() {
            return DaytonaToolboxError.badGateway.response(path: daemonPath, method: method)
        }
        do {
            return try await next(request, context)
        } catch let error as DaytonaToolboxError {
            return error.response(path: daemonPath, method: method)
        } catch is CancellationError {
            // The command was killed (sandbox stopped, emulator shutting down): the proxy loses the daemon.
            return DaytonaToolboxError.badGateway.response(path: daemonPath, method: method)
        } catch let error as any HTTPResponseError where error.status == .notFound {
            return DaytonaToolboxError.notFound("404 page not found").response(path: daemonPath, method: method)
        } catch let error as any HTTPResponseError {
            return DaytonaToolboxError(error.status, code: "BAD_REQUEST", "bad request: \(error.status.reasonPhrase)")
                .response(path: daemonPath, method: method)
        } catch {
            return DaytonaToolboxError.internalError("\(error)").response(path: daemonPath, method: method)
        }
    }

    private func control(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async -> Response {
        do {
            return try await next(request, context)
        } catch let error as DaytonaAPIError {
            return error.response(path: request.uri.path)
        } catch let error as any HTTPResponseError {
            return DaytonaAPIError(error.status, error.status.reasonPhrase).response(path: request.uri.path)
        } catch {
            return DaytonaAPIError(.internalServerError, "\(error)").response(path: request.uri.path)
        }
    }

    // MARK: Helpers

    /// `Bearer <token>` with the expected token (any non-empty one when none is configured).
    func isAccepted(_ authorization: String?) -> Bool {
        guard let parts = authorization?.split(separator: " ", omittingEmptySubsequences: true), parts.count == 2,
            parts[0].lowercased() == "bearer"
        else { return false }
        return apiKey.map { String(parts[1]) == $0 } ?? true
    }

    /// 429 with the headers of Daytona's throttler guard.
    static func rateLimited(_ seconds: Int, throttler: String) -> DaytonaAPIError {
        var headers: HTTPFields = [:]
        let values: [(String, String)] = [
            ("Retry-After", "\(seconds)"),
            ("Retry-After-\(throttler)", "\(seconds)"),
            ("X-RateLimit-Limit-\(throttler)", "10000"),
            ("X-RateLimit-Remaining-\(throttler)", "0"),
            ("X-RateLimit-Reset-\(throttler)", "\(seconds)"),
        ]
        for (name, value) in values {
            if let fieldName = HTTPFields.Element.Name(name) { headers[fieldName] = value }
        }
        return DaytonaAPIError(.tooManyRequests, "ThrottlerException: Too Many Requests", headers: headers)
    }
}
