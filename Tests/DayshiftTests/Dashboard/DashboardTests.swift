import DayshiftConfig
import DayshiftCore
@testable import DayshiftServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Store
import Testing

/// The dashboard (`/`, `/runs/{id}`, `/deliveries`) without a browser: who gets in, the cookie's
/// flags, CSRF and origin checks on every form, escaping of untrusted text, and no secret in any
/// page. The browser's view is `DashboardBrowserTests`.
@Suite("Dashboard")
struct DashboardTests {
    static let token = "dashboard-token-\(UUID().uuidString)"

    static func quietLogger() -> Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    static func configuration(_ directory: TestDirectory, token: String?) -> DayshiftConfiguration {
        var configuration = DayshiftConfiguration()
        configuration.dataDirectory = directory.path
        configuration.webhook.secret = "dashboard-webhook-secret"
        configuration.github.apiURL = "http://127.0.0.1:9"
        if let token { configuration.server.operatorToken = token }
        return configuration
    }

    static func formBody(_ fields: [String: String]) -> ByteBuffer {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return ByteBuffer(string: fields.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&"))
    }

    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// The session cookie's `name=value` from a response's `Set-Cookie`.
    static func sessionCookie(_ headers: HTTPFields) -> String? {
        headers[values: .setCookie].first { $0.hasPrefix("\(DashboardSessions.cookieName)=") }?.split(separator: ";").first.map(String.init)
    }

    /// The CSRF token in a page's forms.
    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test("without an operator token there is no dashboard; with one every page and form sends a stranger to /login")
    func pagesWantASession() async throws {
        let directory = try TestDirectory("dashboard-auth")
        defer { directory.remove() }
        let without = try buildApplication(configuration: Self.configuration(directory, token: nil), logger: Self.quietLogger(), environment: [:])
        try await without.test(.router) { client in
            for path in ["/", "/login", "/deliveries", "/runs/1"] {
                let status = try await client.execute(uri: path, method: .get) { $0.status }
                #expect(status == .notFound, "\(path)")
            }
        }
        var configuration = Self.configuration(directory, token: Self.token)
        configuration.dataDirectory = directory.url.appendingPathComponent("second").path
        let with = try buildApplication(configuration: configuration, logger: Self.quietLogger(), environment: [:])
        try await with.test(.router) { client in
            let stale = DashboardSessions(operatorToken: "another-token").newSession()
            let expired = DashboardSessions(operatorToken: Self.token).newSession(now: Date().addingTimeInterval(-DashboardSessions.lifetime - 1))
            for cookie in [nil, "\(DashboardSessions.cookieName)=\(stale)", "\(DashboardSessions.cookieName)=\(expired)",
                           "\(DashboardSessions.cookieName)=v1.9999999999.AAAA.AAAA"] {
                var headers = HTTPFields()
                if let cookie { headers[.cookie] = cookie }
                for path in ["/", "/runs/1", "/deliveries", "/?status=running"] {
                    try await client.execute(uri: path, method: .get, headers: headers) { response in
                        #expect(response.status == .seeOther, "\(path) with \(cookie ?? "no cookie")")
                        #expect(response.headers[.location] == "/login")
                    }
                }
                for path in ["/runs/1/cancel", "/runs/1/retry", "/deliveries/x/replay", "/logout"] {
                    var form = headers
                    form[.contentType] = "application/x-www-form-urlencoded"
                    let status = try await client.execute(uri: path, method: .post, headers: form, body: ByteBuffer(string: "csrf=x")) { $0.status }
                    #expect(status == .seeOther, "POST \(path)")
                }
                let streamStatus = try await client.execute(uri: "/runs/1/log/stream", method: .get, headers: headers) { $0.status }
                #expect(streamStatus == .unauthorized)
            }
            // The sign-in page and the assets are public, with the security headers.
            for path in ["/login", "/static/dashboard.js", "/static/dashboard.css"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                    #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                    #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                }
            }
            let login = try await client.execute(uri: "/login", method: .get) { String(buffer: $0.body) }
            #expect(login.contains(#"<form class="login" method="post" action="/login">"#))
            #expect(!login.contains("<script"), "the sign-in page runs no script")
        }
    }

    @Test("a wrong token is refused; the right one sets an HTTP-only, SameSite=Strict, 12-hour cookie, Secure behind HTTPS; sign-out clears it")
    func signIn() async throws {
        let directory = try TestDirectory("dashboard-sign-in")
        defer { directory.remove() }
        let app = try buildApplication(configuration: Self.configuration(directory, token: Self.token), logger: Self.quietLogger(), environment: [:])
        try await app.test(.router) { client in
            for wrong in ["", "wrong", "\(Self.token)x", String(Self.token.dropLast())] {
                try await client.execute(uri: "/login", method: .post, headers: Self.formHeaders, body: Self.formBody(["token": wrong])) { response in
                    #expect(response.status == .unauthorized, "token \(wrong)")
                    #expect(response.headers[values: .setCookie].isEmpty)
                    #expect(String(buffer: response.body).contains("That is not the operator token."))
                }
            }
            // A sign-in form posted from another site.
            var foreign = Self.formHeaders
            foreign[.origin] = "https://attacker.example"
            try await client.execute(uri: "/login", method: .post, headers: foreign, body: Self.formBody(["token": Self.token])) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[values: .setCookie].isEmpty)
            }
            let cookie = try await client.execute(uri: "/login", method: .post, headers: Self.formHeaders,
                                                  body: Self.formBody(["token": Self.token])) { response -> String in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/")
                let header = try #require(response.headers[values: .setCookie].first)
                let attributes = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                #expect(attributes.contains("httponly"))
                #expect(attributes.contains("samesite=strict"))
                #expect(attributes.contains("max-age=43200"))
                #expect(attributes.contains("path=/"))
                #expect(!attributes.contains("secure"), "plain HTTP: no Secure flag")
                #expect(!header.contains(Self.token))
                return try #require(Self.sessionCookie(response.headers))
            }
            var https = Self.formHeaders
            https[HTTPField.Name("X-Forwarded-Proto")!] = "https"
            try await client.execute(uri: "/login", method: .post, headers: https, body: Self.formBody(["token": Self.token])) { response in
                let header = try #require(response.headers[values: .setCookie].first)
                #expect(header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.contains("secure"))
            }
            let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { response -> String in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.cacheControl] == "no-store")
                return String(buffer: response.body)
            }
            #expect(page.contains("<h1>Runs</h1>") && page.contains("No runs."))
            let location = try await client.execute(uri: "/login", method: .get, headers: [.cookie: cookie]) { $0.headers[.location] }
            #expect(location == "/")
            // Sign-out wants the CSRF token too, then expires the cookie.
            let csrf = try #require(Self.csrf(in: page))
            var form = Self.formHeaders
            form[.cookie] = cookie
            let withoutToken = try await client.execute(uri: "/logout", method: .post, headers: form, body: Self.formBody([:])) { $0.status }
            #expect(withoutToken == .forbidden)
            try await client.execute(uri: "/logout", method: .post, headers: form, body: Self.formBody(["csrf": csrf])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/login")
                #expect(response.headers[values: .setCookie].first?.lowercased().contains("max-age=0") == true)
            }
        }
    }

    @Test("sessions: signed with a key from the token, expire after 12 hours, refuse tampering; CSRF tokens belong to one session")
    func sessions() {
        let sessions = DashboardSessions(operatorToken: Self.token)
        let now = Date()
        let session = sessions.newSession(now: now)
        #expect(sessions.isValid(session, now: now))
        #expect(sessions.isValid(session, now: now.addingTimeInterval(DashboardSessions.lifetime - 5)))
        #expect(!sessions.isValid(session, now: now.addingTimeInterval(DashboardSessions.lifetime + 1)))
        #expect(!DashboardSessions(operatorToken: Self.token + "x").isValid(session, now: now))
        var parts = session.split(separator: ".").map(String.init)
        parts[1] = String(Int(parts[1])! + 3600)
        #expect(!sessions.isValid(parts.joined(separator: "."), now: now), "a longer expiry breaks the signature")
        #expect(!sessions.isValid("", now: now) && !sessions.isValid("v1...", now: now))
        #expect(sessions.newSession(now: now) != session)
        #expect(!session.contains(Self.token))
        let csrf = sessions.csrfToken(for: session)
        #expect(sessions.isCSRFToken(csrf, for: session))
        #expect(!sessions.isCSRFToken(csrf, for: sessions.newSession(now: now)))
        #expect(!sessions.isCSRFToken("", for: session) && !sessions.isCSRFToken(csrf + "A", for: session))
        #expect(sessions.isOperatorToken(Self.token) && !sessions.isOperatorToken(Self.token + "x") && !sessions.isOperatorToken(""))
    }

    @Test("no template uses triple mustaches; every page renders")
    func templates() throws {
        for (name, text) in DashboardTemplates.all {
            #expect(!text.contains("{{{") && !text.contains("{{&"), "\(name) renders something unescaped")
            #expect(!text.contains("<script>") && !text.contains("style="), "\(name) has inline script or style")
        }
        let pages = try DashboardPages()
        let html = pages.render("error", .init(title: "<b>t</b>", csrf: "c\"s"), ["detail": "<script>alert(1)</script>", "back": "/"])
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>alert"))
        #expect(html.contains("value=\"c&quot;s\""))
    }

    @Test("a finished run in the pages: untrusted issue text escaped, forms refused without the right CSRF token or from another origin, no secret anywhere")
    func finishedRun() async throws {
        let hostile = "<script>alert(1)</script> & \"quotes\""
        try await EndToEndHarness.with(configure: { $0.server.operatorToken = Self.token }) { harness in
            let server = try await harness.startServer()
            let labeled = harness.payloads.issueLabeled(number: 31, title: hostile, body: "<img src=x onerror=alert(2)>")
            #expect(try await harness.send(labeled) == 202)
            let journal = try await harness.waitForFinishedRun(31)
            let store = try harness.store
            let port = try #require(server.baseURL.port)
            let authority = "127.0.0.1:\(port)"
            // A connection per request: the server closes idle ones after 30 s, and the retried run takes a while.
            let client = FreshConnections(port: port)
            do {
                let cookie = try await client.execute(.init("/login", method: .post, headers: Self.formHeaders, body: Self.formBody(["token": Self.token])))
                    .head.headerFields
                let session = try #require(Self.sessionCookie(cookie))
                func get(_ path: String) async throws -> String {
                    let response = try await client.execute(.init(path, method: .get, headers: [.cookie: session]))
                    #expect(response.status == .ok, "\(path)")
                    return response.body.map { String(buffer: $0) } ?? ""
                }
                var pages: [String: String] = [:]
                for path in ["/", "/?status=\(journal.run.status.rawValue)", "/runs/\(journal.run.id)", "/deliveries", "/deliveries?decision=acted"] {
                    pages[path] = try await get(path)
                }
                pages["/login"] = try await client.execute(.init("/login", method: .get)).body.map { String(buffer: $0) }
                let list = try #require(pages["/"])
                #expect(list.contains(#"data-run="\#(journal.run.id)""#))
                #expect(list.contains("octo/calculator#31"))
                #expect(list.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the issue title is in the list, escaped")
                let page = try #require(pages["/runs/\(journal.run.id)"])
                #expect(page.contains(#"<span id="run-title">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;</span>"#))
                #expect(page.contains(#"id="run-status" class="status status-succeeded">succeeded<"#))
                for step in journal.stepsInOrder { #expect(page.contains(#"data-step="\#(step.name.rawValue)""#)) }
                #expect(page.contains(#"id="pull-request" href="http"#))
                #expect(page.contains("run succeeded"), "the log is on the page")
                #expect(page.contains(#"id="retry""#) && !page.contains(#"id="cancel""#))
                #expect(try #require(pages["/deliveries"]).contains(labeled.guid))
                for (path, html) in pages {
                    #expect(!html.contains("<script>alert") && !html.contains("<img src=x"), "\(path) has unescaped issue text")
                    for secret in [EndToEndHarness.secret, Self.token, harness.configuration.github.privateKeyPEM] {
                        #expect(!SecretForms.occurs(secret, in: html), "a secret in \(path)")
                    }
                }

                // Retry posts that must change nothing.
                let csrf = try #require(Self.csrf(in: page))
                let otherSession = DashboardSessions(operatorToken: Self.token).newSession()
                let otherCSRF = DashboardSessions(operatorToken: Self.token).csrfToken(for: otherSession)
                let deliveriesBefore = try await store.deliveries(matching: DeliveryQuery(), limit: 500).count
                var headers = Self.formHeaders
                headers[.cookie] = session
                var foreign = headers
                foreign[.origin] = "http://attacker.example"
                var crossSite = headers
                crossSite[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
                var opaque = headers
                opaque[.origin] = "null"
                for (label, fields, sent) in [("no token", [:], headers), ("a wrong token", ["csrf": "x" + csrf], headers),
                                              ("another session's token", ["csrf": otherCSRF], headers),
                                              ("a foreign Origin", ["csrf": csrf], foreign), ("a cross-site fetch", ["csrf": csrf], crossSite),
                                              ("Origin: null alone", ["csrf": csrf], opaque)] {
                    let response = try await client.execute(.init("/runs/\(journal.run.id)/retry", method: .post, authority: authority, headers: sent,
                                                                  body: Self.formBody(fields)))
                    #expect(response.status == .forbidden, "\(label)")
                    #expect(response.headers[.contentSecurityPolicy] != nil)
                }
                let replay = try await client.execute(.init("/deliveries/\(labeled.guid)/replay", method: .post, authority: authority, headers: headers,
                                                            body: Self.formBody([:])))
                #expect(replay.status == .forbidden)
                #expect(try await store.deliveries(matching: DeliveryQuery(), limit: 500).count == deliveriesBefore)
                #expect(try await store.runs(issueKey: harness.issueKey(31)).count == 1)
                let cancelFinished = try await client.execute(.init("/runs/\(journal.run.id)/cancel", method: .post, authority: authority, headers: headers,
                                                                    body: Self.formBody(["csrf": csrf])))
                #expect(cancelFinished.status == .conflict, "a finished run cannot be cancelled")

                // With the right token and origin, the retry is stored like the API's: a new run follows.
                // As Chrome posts the dashboard's forms: Origin null (no-referrer pages), Sec-Fetch-Site same-origin.
                var same = opaque
                same[HTTPField.Name("Sec-Fetch-Site")!] = "same-origin"
                let retry = try await client.execute(.init("/runs/\(journal.run.id)/retry", method: .post, authority: authority, headers: same,
                                                           body: Self.formBody(["csrf": csrf])))
                #expect(retry.status == .seeOther)
                #expect(retry.headers[.location] == "/runs/\(journal.run.id)?done=retry")
                let action = try #require(try await store.deliveries(matching: DeliveryQuery(event: OperatorActions.event), limit: 5).first)
                #expect(action.delivery.action == "retry")
                try await harness.waitForFinishedRuns(31, count: 2, timeoutSeconds: 90)
                #expect(try await get("/runs/\(journal.run.id)?done=retry").contains("Retry requested"))
                #expect(try await client.execute(.init("/runs/zero", method: .get, headers: [.cookie: session])).status == .badRequest)
                #expect(try await client.execute(.init("/runs/999999", method: .get, headers: [.cookie: session])).status == .notFound)
            }
        }
    }
}

/// Sends each request on its own loopback connection to a live server (no redirects followed,
/// no cookies kept: the test reads and sends them itself).
struct FreshConnections: Sendable {
    let port: Int

    func execute(_ request: TestClient.Request) async throws -> TestClient.Response {
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in try await client.execute(request) }
    }
}
