import Crypto
import Foundation
import Hummingbird

/// Lets a request through only with `Authorization: Bearer <operator token>`; otherwise 401 with
/// problem details. The comparison takes the same time whatever the token sent (both sides are
/// hashed with SHA-256, and digests compare in constant time).
struct OperatorAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    private let expected: SHA256.Digest

    /// - Parameter token: the configured operator token; must not be empty.
    init(token: String) {
        expected = SHA256.hash(data: Data(token.utf8))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.count > 7,
              header.prefix(7).lowercased() == "bearer " else {
            throw APIProblem.unauthorized
        }
        let presented = SHA256.hash(data: Data(header.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8))
        // swift-crypto compares digests in constant time.
        guard presented == expected else { throw APIProblem.unauthorized }
        return try await next(request, context)
    }
}
