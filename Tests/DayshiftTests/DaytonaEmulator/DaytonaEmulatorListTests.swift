import Emulators
import Foundation
import Testing

/// `GET /api/sandbox`: label filter, cursor pagination, the v0.180+ `{items, nextCursor}` shape.
@Suite("DaytonaEmulatorListTests")
struct DaytonaEmulatorListTests {
    static func labelsQuery(_ labels: [String: String]) throws -> String {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: labels, options: [.sortedKeys]), as: UTF8.self)
        return "labels=" + (json.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? json)
    }

    @Test func filtersByEveryLabel() async throws {
        try await withDaytonaEmulator { _, client in
            let a = try #require(try await client.createSandbox(["labels": ["app": "dayshift", "run": "1"]])["id"] as? String)
            let b = try #require(try await client.createSandbox(["labels": ["app": "dayshift", "run": "2"]])["id"] as? String)
            _ = try await client.createSandbox(["labels": ["app": "other"]])

            let both = try await client.send("GET", "/api/sandbox?" + (try Self.labelsQuery(["app": "dayshift"])))
            #expect(both.status == 200)
            let items = try #require(both.object?["items"] as? [[String: Any]])
            #expect(Set(items.compactMap { $0["id"] as? String }) == [a, b])
            #expect(both.object?.keys.contains("nextCursor") == true && both.object?["nextCursor"] is NSNull,
                    "nextCursor is required, null on the last page")
            #expect(items.allSatisfy { $0["env"] == nil }, "list items are SandboxListItem (no env)")
            #expect(items.allSatisfy { $0["toolboxProxyUrl"] is String })

            let one = try await client.send("GET", "/api/sandbox?" + (try Self.labelsQuery(["app": "dayshift", "run": "2"])))
            #expect((one.object?["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [b])
            let none = try await client.send("GET", "/api/sandbox?" + (try Self.labelsQuery(["app": "nothing"])))
            #expect((none.object?["items"] as? [Any])?.isEmpty == true)
            let all = try await client.send("GET", "/api/sandbox")
            #expect((all.object?["items"] as? [Any])?.count == 3)
            let bad = try await client.send("GET", "/api/sandbox?labels=not-json")
            #expect(bad.status == 400 && bad.message == "Invalid labels JSON")
        }
    }

    @Test func paginatesWithCursorNewestFirst() async throws {
        try await withDaytonaEmulator { _, client in
            var ids: [String] = []
            for index in 0..<5 {
                ids.append(try #require(try await client.createSandbox(["name": "page-\(index)"])["id"] as? String))
            }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = "limit=2" + (cursor.map { "&cursor=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" } ?? "")
                let reply = try await client.send("GET", "/api/sandbox?\(query)")
                #expect(reply.status == 200)
                let items = try #require(reply.object?["items"] as? [[String: Any]])
                #expect(items.count <= 2)
                seen += items.compactMap { $0["id"] as? String }
                cursor = reply.object?["nextCursor"] as? String
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen == ids.reversed(), "newest first, each once")
            #expect(try await client.send("GET", "/api/sandbox?limit=0").status == 400)
            #expect(try await client.send("GET", "/api/sandbox?cursor=%%%").status == 400)
        }
    }

    @Test func filtersByStateAndName() async throws {
        try await withDaytonaEmulator { _, client in
            let running = try await client.startedSandbox(["name": "alpha-1"])
            let stopped = try await client.startedSandbox(["name": "beta-1"])
            _ = try await client.send("POST", "/api/sandbox/\(stopped)/stop")
            try await client.waitForState(stopped, "stopped")
            let started = try await client.send("GET", "/api/sandbox?states=started")
            #expect((started.object?["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [running])
            let byName = try await client.send("GET", "/api/sandbox?name=BETA")
            #expect((byName.object?["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [stopped])
        }
    }
}
