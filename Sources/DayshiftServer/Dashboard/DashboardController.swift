import DayshiftCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Store

/// The operator dashboard at `/`: server-rendered HTML behind the operator token, present only
/// when a token is configured (like `/api/v1`).
///
/// - `GET /login`, `POST /login` (form field `token`), `POST /logout`: a sign-in sets the
///   ``DashboardSessions`` cookie (HTTP-only, `SameSite=Strict`, `Secure` over HTTPS, 12 hours).
/// - `GET /`: runs, newest first, filtered by `status`, in pages with the API's `cursor`.
/// - `GET /runs/{id}`: a run's steps, pull request and log; `POST /runs/{id}/cancel` and
///   `/retry`; `GET /runs/{id}/log/stream`: the log as Server-Sent Events (``RunLogStream``).
/// - `GET /deliveries` (filter `decision`, `cursor`); `POST /deliveries/{guid}/replay`.
/// - `GET /static/dashboard.js`, `/static/dashboard.css`.
///
/// Every page but `/login` wants a valid session; every form post wants the session's CSRF token
/// and no foreign `Origin`. Cancel, retry and replay are ``OperatorActions``, as in the API.
struct DashboardController<Context: RequestContext>: Sendable {
    let actions: OperatorActions
    let sessions: DashboardSessions
    let pages: DashboardPages
    let logger: Logger
    /// How often the live log looks for new entries.
    var logPollInterval: Duration = .milliseconds(250)
    /// Shared with the operator API.
    let logStreams: LogStreamSlots
    /// Rows per page.
    var pageSize = 50

    var store: Store { actions.store }

    func addRoutes(to router: Router<Context>) {
        let group = router.group().add(middleware: DashboardMiddleware<Context>(pages: pages, logger: logger))
        group.get("static/dashboard.js") { _, _ in Self.asset(DashboardAssets.script, type: "text/javascript; charset=utf-8") }
        group.get("static/dashboard.css") { _, _ in Self.asset(DashboardAssets.styleSheet, type: "text/css; charset=utf-8") }
        group.get("login", use: loginPage)
        group.post("login", use: signIn)
        group.post("logout", use: signOut)
        group.get("/", use: runsPage)
        group.get("runs/:id", use: runPage)
        group.get("runs/:id/log/stream", use: followLog)
        group.post("runs/:id/cancel", use: cancel)
        group.post("runs/:id/retry", use: retry)
        group.get("deliveries", use: deliveriesPage)
        group.post("deliveries/:guid/replay", use: replay)
    }

    // MARK: signing in and out

    @Sendable func loginPage(_ request: Request, context: Context) async throws -> Response {
        if session(request) != nil { return Self.redirect("/") }
        return Self.html(pages.render("login", .init(title: "Sign in", csrf: nil)))
    }

    @Sendable func signIn(_ request: Request, context: Context) async throws -> Response {
        try Self.requireSameOrigin(request)
        let form = try await DashboardForm(request)
        guard let token = form["token"], !token.isEmpty, sessions.isOperatorToken(token) else {
            logger.warning("dashboard sign-in refused: wrong operator token")
            return Self.html(pages.render("login", .init(title: "Sign in", csrf: nil), ["refused": true]), status: .unauthorized)
        }
        var response = Self.redirect("/")
        response.setCookie(Cookie(name: DashboardSessions.cookieName, value: sessions.newSession(), maxAge: Int(DashboardSessions.lifetime),
                                  path: "/", secure: Self.isHTTPS(request), httpOnly: true, sameSite: .strict))
        logger.info("dashboard sign-in")
        return response
    }

    @Sendable func signOut(_ request: Request, context: Context) async throws -> Response {
        _ = try await verifiedForm(request)
        var response = Self.redirect("/login")
        response.setCookie(Cookie(name: DashboardSessions.cookieName, value: "signed-out", maxAge: 0, path: "/",
                                  secure: Self.isHTTPS(request), httpOnly: true, sameSite: .strict))
        return response
    }

    // MARK: runs

    @Sendable func runsPage(_ request: Request, context: Context) async throws -> Response {
        let session = try requireSession(request)
        let query = try QueryParameters(request)
        var filter = RunQuery(beforeID: try query.cursor().map(OperatorAPIController<Context>.decodeIDCursor))
        let status = query["status"].flatMap { $0.isEmpty ? nil : $0 }
        if let status {
            guard let value = RunStatus(rawValue: status) else {
                throw APIProblem.badRequest("status: expected one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = value
        }
        let runs = try await store.runs(matching: filter, limit: pageSize)
        let now = Date()
        let rows = try await RunOverview.gather(runs, from: store).map { DashboardPages.runValues($0, now: now) }
        let filters: [[String: Any]] = [["href": "/", "label": "all", "current": status == nil]]
            + RunStatus.allCases.map { (value: RunStatus) -> [String: Any] in
                ["href": "/?status=\(value.rawValue)", "label": value.rawValue, "current": status == value.rawValue]
            }
        var values: [String: Any] = ["runs": rows, "filters": filters, "hasNext": false]
        if runs.count == pageSize, let last = runs.last {
            values["hasNext"] = true
            values["nextHref"] = "/?" + (status.map { "status=\($0)&" } ?? "") + "cursor=\(last.id)"
        }
        return Self.html(pages.render("runs", frame("Runs", session: session), values))
    }

    @Sendable func runPage(_ request: Request, context: Context) async throws -> Response {
        let session = try requireSession(request)
        let journal = try await actions.journal(runID: try context.parameters.require("id"))
        let run = journal.run
        let steps = journal.stepsInOrder
        let overview = RunOverview(run: run, currentStep: steps.first { $0.status == .running }?.name,
                                   usage: try await store.usage(runID: run.id))
        var values = DashboardPages.runValues(overview, now: Date())
        values["steps"] = steps.map(DashboardPages.stepValues)
        values["log"] = RunLogEntry.entries(of: journal).map(DashboardPages.logValues)
        values["live"] = run.status == .running
        values["pullRequests"] = journal.pullRequest.map { [DashboardPages.pullRequestValues($0)] } ?? []
        values["canCancel"] = run.status == .running && run.cancelRequestedAt == nil
        values["canRetry"] = run.status.isFinal
        var frame = frame("Run #\(run.id)", session: session)
        switch request.uri.queryParameters["done"].map(String.init) {
        case "cancel" where run.status == .running:
            frame.notice = "Cancel requested: the run stops its current step now; its report and cleanup still run."
        case "retry": frame.notice = "Retry requested: a new run of this issue starts shortly (see Runs)."
        default: break
        }
        return Self.html(pages.render("run", frame, values))
    }

    @Sendable func followLog(_ request: Request, context: Context) async throws -> Response {
        _ = try requireSession(request)
        let journal = try await actions.journal(runID: try context.parameters.require("id"))
        return try RunLogStream(store: store, gate: actions.gate, runID: journal.run.id, request: request, pollInterval: logPollInterval)
            .response(slots: logStreams)
    }

    @Sendable func cancel(_ request: Request, context: Context) async throws -> Response {
        _ = try await verifiedForm(request)
        let journal = try await actions.journal(runID: try context.parameters.require("id"))
        _ = try await actions.cancel(journal.run)
        return Self.redirect("/runs/\(journal.run.id)?done=cancel")
    }

    @Sendable func retry(_ request: Request, context: Context) async throws -> Response {
        _ = try await verifiedForm(request)
        let journal = try await actions.journal(runID: try context.parameters.require("id"))
        _ = try await actions.retry(journal.run)
        return Self.redirect("/runs/\(journal.run.id)?done=retry")
    }

    // MARK: deliveries

    @Sendable func deliveriesPage(_ request: Request, context: Context) async throws -> Response {
        let session = try requireSession(request)
        let query = try QueryParameters(request)
        var filter = DeliveryQuery(beforePosition: try query.cursor().map(OperatorAPIController<Context>.decodeIDCursor))
        let decision = query["decision"].flatMap { $0.isEmpty ? nil : $0 }
        switch decision {
        case nil: break
        case "acted": filter.acted = true
        case "ignored": filter.acted = false
        case .some: throw APIProblem.badRequest("decision: expected acted or ignored")
        }
        let deliveries = try await store.deliveries(matching: filter, limit: pageSize)
        let filters: [[String: Any]] = [nil, "acted", "ignored"].map { (value: String?) -> [String: Any] in
            ["href": value.map { "/deliveries?decision=\($0)" } ?? "/deliveries", "label": value ?? "all", "current": decision == value]
        }
        var values: [String: Any] = ["deliveries": deliveries.map { DashboardPages.deliveryValues($0.delivery) }, "filters": filters,
                                     "hasNext": false]
        if deliveries.count == pageSize, let last = deliveries.last {
            values["hasNext"] = true
            values["nextHref"] = "/deliveries?" + (decision.map { "decision=\($0)&" } ?? "") + "cursor=\(last.position)"
        }
        var frame = frame("Deliveries", session: session)
        if request.uri.queryParameters["done"].map(String.init) == "replay" {
            frame.notice = "Replayed: the delivery was processed again and stored as a new delivery (the newest below)."
        }
        return Self.html(pages.render("deliveries", frame, values))
    }

    @Sendable func replay(_ request: Request, context: Context) async throws -> Response {
        _ = try await verifiedForm(request)
        let original = try await actions.delivery(guid: try context.parameters.require("guid"))
        _ = try await actions.replay(original)
        return Self.redirect("/deliveries?done=replay")
    }

    // MARK: sessions and forms

    /// The request's valid session cookie, if any.
    func session(_ request: Request) -> String? {
        guard let value = request.cookies[DashboardSessions.cookieName]?.value, sessions.isValid(value) else { return nil }
        return value
    }

    /// - Throws: ``DashboardError/signInRequired``.
    func requireSession(_ request: Request) throws -> String {
        guard let session = session(request) else { throw DashboardError.signInRequired }
        return session
    }

    /// A form post's fields, once its session, origin and CSRF token are checked.
    /// - Throws: ``DashboardError``: no session, a foreign origin, a missing or wrong CSRF token.
    func verifiedForm(_ request: Request) async throws -> DashboardForm {
        let session = try requireSession(request)
        try Self.requireSameOrigin(request)
        let form = try await DashboardForm(request)
        guard let token = form["csrf"], sessions.isCSRFToken(token, for: session) else {
            logger.warning("dashboard form refused: missing or wrong CSRF token", metadata: ["path": "\(request.uri.path)"])
            throw DashboardError.forbidden("This form is stale or did not come from this dashboard; nothing was changed. Reload the page and try again.")
        }
        return form
    }

    func frame(_ title: String, session: String) -> DashboardPages.Frame {
        .init(title: title, csrf: sessions.csrfToken(for: session))
    }

    /// Refuses a post that a browser says came from another site (`Sec-Fetch-Site` other than
    /// `same-origin`), or whose `Origin` is not this server's host. `Origin: null` passes only
    /// with `Sec-Fetch-Site: same-origin`: browsers send `null` for the dashboard's own forms,
    /// because its pages ask for `Referrer-Policy: no-referrer`. Posts with neither header (not
    /// from a current browser) rely on the CSRF token alone.
    static func requireSameOrigin(_ request: Request) throws {
        let refused = DashboardError.forbidden("This form was posted from another site; nothing was changed.")
        let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased()
        if let site, site != "same-origin" { throw refused }
        guard let origin = request.headers[.origin] else { return }
        if origin == "null" {
            guard site == "same-origin" else { throw refused }
            return
        }
        guard let url = URL(string: origin), let host = url.host, let authority = request.head.authority else { throw refused }
        let originAuthority = url.port.map { "\(host):\($0)" } ?? host
        guard originAuthority.lowercased() == authority.lowercased() else { throw refused }
    }

    /// True when the request came over HTTPS, or a proxy says so with `X-Forwarded-Proto`.
    static func isHTTPS(_ request: Request) -> Bool {
        if request.head.scheme?.lowercased() == "https" { return true }
        let forwarded = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.split(separator: ",").first
        return forwarded?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }

    // MARK: answers

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
