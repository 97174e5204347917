import DayshiftConfig
@testable import DayshiftServer
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// `GET /readyz` (and `/healthz` beside it) on the application `buildApplication` builds, through
/// the router, against a real SQLite file.
@Suite("Readiness")
struct ReadinessTests {
    struct Answer {
        var status: HTTPResponse.Status
        var json: [String: Any]
        var checks: [String: String] { json["checks"] as? [String: String] ?? [:] }
        var failed: [String] { json["failed"] as? [String] ?? [] }
    }

    func withApp(_ body: @escaping @Sendable (DayshiftApplication, any TestClientProtocol, URL) async throws -> Void) async throws {
        let directory = try TestDirectory("readyz")
        defer { directory.remove() }
        let app = try OfflineApplication.build(OfflineApplication.configuration(in: directory))
        try await app.test(.router) { client in
            try await body(app, client, directory.url.appendingPathComponent("dayshift.sqlite"))
        }
    }

    static func readyz(_ client: any TestClientProtocol) async throws -> Answer {
        try await client.execute(uri: "/readyz", method: .get) { response in
            #expect(response.headers[.contentType] == "application/json")
            let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
            return Answer(status: response.status, json: json)
        }
    }

    @Test("/readyz is 200 with every check ok while the database takes writes; /healthz still says ok")
    func ready() async throws {
        try await withApp { _, client, _ in
            let answer = try await Self.readyz(client)
            #expect(answer.status == .ok)
            #expect(answer.json["status"] as? String == "ready")
            #expect(answer.checks == ["database": "ok", "migrations": "ok", "draining": "ok"])
            #expect(answer.failed.isEmpty)
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok\n")
            }
        }
    }

    @Test("/readyz is 503 naming draining once the intake gate has closed")
    func draining() async throws {
        try await withApp { app, client, _ in
            #expect(try await Self.readyz(client).status == .ok)
            app.instance.gate.close()
            let answer = try await Self.readyz(client)
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.json["status"] as? String == "not ready")
            #expect(answer.failed == ["draining"])
            #expect(answer.checks["draining"] == "shutting down")
            #expect(answer.checks["database"] == "ok")
        }
    }

    @Test("/readyz is 503 naming migrations when the database lacks one")
    func migrationMissing() async throws {
        try await withApp { _, client, file in
            // Another connection makes the database look as if its last migration never ran.
            // It waits for the server's own writes (the runtime and the retention pass start beside the test).
            var waiting = Configuration()
            waiting.busyMode = .timeout(10)
            let other = try DatabaseQueue(path: file.path, configuration: waiting)
            let newest = try await other.write { db in
                let last = try String.fetchOne(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [last])
                return last
            }
            #expect(newest != nil)
            try other.close()
            let answer = try await Self.readyz(client)
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.failed == ["migrations"])
            #expect(answer.checks["migrations"] == "1 not applied")
            #expect(answer.checks["database"] == "ok")
        }
    }
}
