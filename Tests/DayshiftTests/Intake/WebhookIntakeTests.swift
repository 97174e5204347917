import DayshiftConfig
import DayshiftCore
import DayshiftServer
import Emulators
import Foundation
import GitHub
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Store
import Testing

/// `POST /webhooks/github` on the application `buildApplication` builds, against a real SQLite
/// file: through the router (`.router`, no sockets) where only the answer matters, over real
/// loopback HTTP (`.live`) where the connection does (streamed oversized bodies).
@Suite("Webhook intake")
struct WebhookIntakeTests {
    static let secret = "intake-secret"
    let builder = WebhookPayloadBuilder(owner: "octo", repo: "hello", cloneURL: "https://github.com/octo/hello.git")

    /// Runs `body` against the whole application, services included. Sandboxes and GitHub point
    /// at a closed loopback port, so runs the deliveries start fail at once and clone nothing.
    func withServer(_ testing: TestingSetup = .router, logger: Logger? = nil,
                    _ body: @escaping @Sendable (any TestClientProtocol, Store) async throws -> Void) async throws {
        let directory = try TestDirectory("intake")
        defer { directory.remove() }
        var configuration = OfflineApplication.configuration(in: directory)
        configuration.webhook.secret = Self.secret
        let app = try OfflineApplication.build(configuration, logger: logger)
        try await app.test(testing) { client in
            try await body(client, app.instance.store)
        }
    }

    func headers(_ delivery: WebhookDelivery, secret: String = secret, drop: String? = nil) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in delivery.headers(secret: secret) where name != drop {
            fields[HTTPField.Name(name)!] = value
        }
        return fields
    }

    func post(_ client: any TestClientProtocol, _ body: Data, _ headers: HTTPFields) async throws -> HTTPResponse.Status {
        try await client.execute(uri: "/webhooks/github", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { $0.status }
    }

    @Test("a signed delivery is stored with its message and answered 202")
    func accepted() async throws {
        try await withServer { client, store async throws in
            let delivery = builder.issueLabeled(number: 42, title: "t", body: "b")
            #expect(try await post(client, delivery.body, headers(delivery)) == .accepted)
            let stored = try #require(try await store.delivery(guid: delivery.guid))
            #expect(stored.event == "issues")
            #expect(stored.action == "labeled")
            #expect(stored.repository == "octo/hello")
            #expect(stored.issueNumber == 42)
            #expect(stored.payload == delivery.body)
            #expect(stored.decision.isActed)
            #expect(try await store.messages(issueKey: "octo/hello#42").map(\.kind) == ["fix"])
        }
    }

    @Test("/dayshift cancel written on Dayshift's pull request goes to the issue's object, not the pull request's")
    func cancelOnPullRequestGoesToTheIssue() async throws {
        try await withServer { client, store async throws in
            let comment = builder.commentCreated(number: 8, title: "Fix #7", body: "Fixes #7\n\nChange made by Dayshift.", comment: "/dayshift cancel")
            var json = try #require(try JSONSerialization.jsonObject(with: comment.body) as? [String: Any])
            var issue = try #require(json["issue"] as? [String: Any])
            issue["pull_request"] = ["url": "https://api.github.com/repos/octo/hello/pulls/8"]
            json["issue"] = issue
            let delivery = WebhookDelivery(event: "issue_comment", body: try JSONSerialization.data(withJSONObject: json))
            #expect(try await post(client, delivery.body, headers(delivery)) == .accepted)
            let messages = try await store.messages(issueKey: "octo/hello#7")
            #expect(messages.map(\.kind) == ["cancel"])
            #expect(messages.first?.snapshot?.followUp == nil)
            #expect(try await store.messages(issueKey: "octo/hello#8").isEmpty)
        }
    }

    @Test("the message's issue key is the lowercased IssueKey, whatever case the payload spells the repository in")
    func issueKeyNormalised() async throws {
        try await withServer { client, store async throws in
            let shouting = WebhookPayloadBuilder(owner: "Octo", repo: "Hello", cloneURL: "https://github.com/Octo/Hello.git")
            let delivery = shouting.issueLabeled(number: 7, title: "t", body: "b")
            #expect(try await post(client, delivery.body, headers(delivery)) == .accepted)
            #expect(try await store.delivery(guid: delivery.guid)?.repository == "Octo/Hello")
            #expect(try await store.messages(issueKey: "octo/hello#7").map(\.kind) == ["fix"])
            #expect(try await store.messages(issueKey: "Octo/Hello#7").isEmpty)
        }
    }

    @Test("a wrong or missing signature gets 401, stores nothing, and says why in the log")
    func unauthorized() async throws {
        let logs = LogCapture()
        try await withServer(logger: logs.logger(level: .info)) { client, store async throws in
            let delivery = builder.issueLabeled(number: 1, title: "t", body: "b")
            #expect(try await post(client, delivery.body, headers(delivery, secret: "wrong")) == .unauthorized)
            #expect(try await post(client, delivery.body, headers(delivery, drop: "X-Hub-Signature-256")) == .unauthorized)
            var tampered = delivery.body
            tampered[tampered.startIndex] = UInt8(ascii: " ")
            #expect(try await post(client, tampered, headers(delivery)) == .unauthorized)
            var malformed = headers(delivery)
            malformed[HTTPField.Name("X-Hub-Signature-256")!] = "sha256=00"
            #expect(try await post(client, delivery.body, malformed) == .unauthorized)
            #expect(try await store.deliveryCount() == 0)
            #expect(try await store.issueKeysWithPendingMessages().isEmpty)
        }
        #expect(logs.text.contains("webhook refused: no X-Hub-Signature-256 header"))
        #expect(logs.text.contains("webhook refused: malformed X-Hub-Signature-256 header"))
        #expect(logs.text.contains("webhook refused: bad or missing signature"))
        #expect(!logs.text.contains(Self.secret))
    }

    @Test("missing event or delivery headers, a delivery GUID that is not printable ASCII, a body that is not JSON, or a repository name GitHub could not have, get 400 and store nothing")
    func badRequests() async throws {
        try await withServer { client, store async throws in
            let delivery = builder.issueLabeled(number: 1, title: "t", body: "b")
            #expect(try await post(client, delivery.body, headers(delivery, drop: "X-GitHub-Event")) == .badRequest)
            #expect(try await post(client, delivery.body, headers(delivery, drop: "X-GitHub-Delivery")) == .badRequest)
            for guid in ["abc\u{FFFD}", "caf\u{E9}", "two words"] {
                var odd = headers(delivery)
                odd[HTTPField.Name("X-GitHub-Delivery")!] = guid
                #expect(try await post(client, delivery.body, odd) == .badRequest, "\(guid)")
            }
            let garbage = WebhookDelivery(event: "issues", body: Data("{not json".utf8))
            #expect(try await post(client, garbage.body, headers(garbage)) == .badRequest)
            let array = WebhookDelivery(event: "issues", body: Data("[1,2]".utf8))
            #expect(try await post(client, array.body, headers(array)) == .badRequest)
            // A signed payload naming a repository GitHub could not have: refused, not stored cut short at the NUL.
            for odd in ["octo/hel\u{0}lo", "octo/hel lo", "octo/hello/extra", "octo/..", "octo/" + String(repeating: "x", count: 101)] {
                var payload = try #require(try JSONSerialization.jsonObject(with: delivery.body) as? [String: Any])
                var repository = try #require(payload["repository"] as? [String: Any])
                repository["full_name"] = odd
                payload["repository"] = repository
                let named = WebhookDelivery(event: "issues", body: try JSONSerialization.data(withJSONObject: payload))
                #expect(try await post(client, named.body, headers(named)) == .badRequest, "\(odd)")
            }
            #expect(try await store.deliveryCount() == 0)
        }
    }

    @Test("a body over 25 MB gets 413 and stores nothing")
    func tooLarge() async throws {
        try await withServer(.live) { client, store async throws in
            let padding = String(repeating: "x", count: 25 * 1024 * 1024)
            let big = WebhookDelivery(event: "issues", body: Data("{\"padding\":\"\(padding)\"}".utf8))
            #expect(try await post(client, big.body, headers(big)) == .contentTooLarge)
            #expect(try await store.deliveryCount() == 0)
        }
    }

    @Test("the same GUID again answers 2xx and changes nothing")
    func duplicate() async throws {
        try await withServer { client, store async throws in
            let delivery = builder.issueLabeled(number: 5, title: "t", body: "b")
            #expect(try await post(client, delivery.body, headers(delivery)) == .accepted)
            #expect(try await post(client, delivery.body, headers(delivery)) == .ok)
            #expect(try await store.deliveryCount() == 1)
            #expect(try await store.messages(issueKey: "octo/hello#5").count == 1)
        }
    }

    @Test("the answers are JSON objects saying what happened, the reason's quotes escaped")
    func answerBodies() async throws {
        try await withServer { client, store async throws in
            func answer(_ body: Data, _ headers: HTTPFields) async throws -> [String: String] {
                let data = try await client.execute(uri: "/webhooks/github", method: .post, headers: headers,
                                                    body: ByteBuffer(bytes: body)) { Data(String(buffer: $0.body).utf8) }
                return try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
            }
            let ignored = builder.issueLabeled(number: 8, title: "t", body: "b", label: "bug")
            let first = try await answer(ignored.body, headers(ignored))
            #expect(first["status"] == "accepted")
            #expect(first["acted"] == "false")
            #expect(first["reason"]?.contains("\"bug\"") == true)
            #expect(first.count == 3)
            #expect(try await answer(ignored.body, headers(ignored)) == ["status": "duplicate"])
            let acted = builder.issueLabeled(number: 9, title: "t", body: "b")
            #expect(try await answer(acted.body, headers(acted))["acted"] == "true")
            #expect(try await answer(acted.body, headers(acted, secret: "wrong")) == ["error": "missing or invalid X-Hub-Signature-256"])
            let array = WebhookDelivery(event: "issues", body: Data("[1,2]".utf8))
            #expect(try await answer(array.body, headers(array)) == ["error": "body is not a JSON object"])
        }
    }

    @Test("ping answers 200 and GET /healthz answers 200")
    func pingAndHealth() async throws {
        try await withServer { client, store async throws in
            let ping = WebhookDelivery(event: "ping", body: Data(#"{"zen":"Keep it simple.","hook_id":1}"#.utf8))
            #expect(try await post(client, ping.body, headers(ping)) == .ok)
            #expect(try await store.delivery(guid: ping.guid)?.decision == .ignored(reason: "ping"))
            #expect(try await client.execute(uri: "/healthz", method: .get) { $0.status } == .ok)
        }
    }

    @Test("concurrent deliveries share group commits: each is stored once, each redelivery is a duplicate")
    func concurrentDeliveries() async throws {
        // `.router`: 140 requests at once go straight to the responder, so the group commit is
        // what is exercised, not one test connection's read timeout on a loaded machine.
        try await withServer(.router) { client, store async throws in
            let deliveries = (1...120).map { builder.issueLabeled(number: $0, title: "t\($0)", body: "b", label: $0 % 2 == 0 ? "dayshift" : "bug") }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for delivery in deliveries + deliveries.prefix(20) {
                    group.addTask { try await post(client, delivery.body, headers(delivery)) }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .accepted }.count == 120)
            #expect(statuses.filter { $0 == .ok }.count == 20)
            #expect(try await store.deliveryCount() == 120)
            #expect(try await store.issueKeysWithPendingMessages().count <= 60)
            var numbersWithOneMessage = 0
            for number in 1...120
            where try await store.messages(issueKey: IssueKey(repository: RepositoryName(owner: "octo", name: "hello"), number: number).description).count == 1 {
                numbersWithOneMessage += 1
            }
            #expect(numbersWithOneMessage == 60)
        }
    }

    @Test("an unsigned request is refused with 401 before its body is read, even when oversized")
    func unsignedRefusedEarly() async throws {
        try await withServer(.live) { client, store async throws in
            let big = WebhookDelivery(event: "issues", body: Data(repeating: UInt8(ascii: "x"), count: 26 * 1024 * 1024))
            #expect(try await post(client, big.body, headers(big, drop: "X-Hub-Signature-256")) == .unauthorized)
            #expect(try await store.deliveryCount() == 0)
        }
    }
}
