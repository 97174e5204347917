import Hummingbird

/// Answers 400 to a request whose path or query holds a NUL character (`%00`): no identifier,
/// filter or cursor of the operator API can contain one, and PostgreSQL's text cannot hold one
/// (the lookup would fail as a 500 instead of saying what is wrong).
struct NULRefusalMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let decodedPath = request.uri.path.removingPercentEncoding ?? request.uri.path
        if decodedPath.contains("\u{0}") || request.uri.queryParameters.contains(where: { $0.key.contains("\u{0}") || $0.value.contains("\u{0}") }) {
            throw APIProblem.badRequest("the path or query holds a NUL character (%00)")
        }
        return try await next(request, context)
    }
}
