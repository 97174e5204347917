import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Wraps every dashboard route: answers errors as HTML pages (a missing session as a redirect to
/// `/login`) and adds the security headers to every answer:
///
/// - `Content-Security-Policy`: nothing but this server's own `/static/` script and style sheet,
///   no inline script or style, forms posted only here, never framed, no `<base>`;
/// - `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`;
/// - `Cache-Control: no-store`, so pages of a signed-in session stay out of shared caches.
struct DashboardMiddleware<Context: RequestContext>: RouterMiddleware {
    let pages: DashboardPages
    let logger: Logger

    static var contentSecurityPolicy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as DashboardError {
            response = answer(error, request: request)
        } catch let problem as APIProblem {
            response = errorPage(status: problem.status, detail: problem.detail, request: request)
        } catch let error as any HTTPResponseError {
            response = errorPage(status: error.status, detail: error.status.reasonPhrase, request: request)
        } catch {
            logger.error("dashboard request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            response = errorPage(status: .internalServerError, detail: "The server could not answer; see its log.", request: request)
        }
        Self.secure(&response.headers)
        return response
    }

    /// Adds the security headers.
    static func secure(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }

    private func answer(_ error: DashboardError, request: Request) -> Response {
        switch error {
        case .signInRequired:
            if request.uri.path.hasSuffix("/log/stream") {
                return Response(status: .unauthorized, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: .init(string: "sign in first\n")))
            }
            return Response(status: .seeOther, headers: [.location: "/login"])
        case .forbidden(let detail):
            return errorPage(status: .forbidden, detail: detail, request: request)
        case .badForm(let detail):
            return errorPage(status: .badRequest, detail: detail, request: request)
        }
    }

    private func errorPage(status: HTTPResponse.Status, detail: String, request: Request) -> Response {
        let html = pages.render("error", .init(title: "\(status.code) \(status.reasonPhrase)", csrf: nil), [
            "detail": detail, "back": "/",
        ])
        return DashboardController<Context>.html(html, status: status)
    }
}

/// Why the dashboard refused a request.
enum DashboardError: Error, Sendable {
    /// No valid session: pages redirect to `/login`, the log stream answers 401.
    case signInRequired
    /// 403: a form without its CSRF token, or posted from another site.
    case forbidden(String)
    /// 400: a form body that cannot be read.
    case badForm(String)
}
