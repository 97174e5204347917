import Emulators
import Foundation
import HTTPTypes
import Store
import Testing

/// A repository webhook left at GitHub's default content type sends `application/x-www-form-urlencoded`:
/// `payload=<percent-encoded JSON>`, signed over that raw body.
@Suite("Webhook intake: form-encoded deliveries")
struct FormWebhookTests {
    let intake = WebhookIntakeTests()

    /// `payload=…` as GitHub encodes it (everything but letters and digits percent-encoded).
    static func form(_ json: Data, field: String = "payload") -> Data {
        let encoded = String(decoding: json, as: UTF8.self).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return Data("\(field)=\(encoded)".utf8)
    }

    func formHeaders(_ delivery: WebhookDelivery, signedBody: Data) -> HTTPFields {
        var fields = intake.headers(WebhookDelivery(event: delivery.event, guid: delivery.guid, body: signedBody))
        fields[.contentType] = "application/x-www-form-urlencoded"
        return fields
    }

    @Test("a form delivery signed over its raw body is accepted, and its JSON is what is stored")
    func accepted() async throws {
        try await intake.withServer { client, store async throws in
            let delivery = intake.builder.issueLabeled(number: 7, title: "a + b = \"c\" & d", body: "100% wrong\n")
            let body = Self.form(delivery.body)
            #expect(try await intake.post(client, body, formHeaders(delivery, signedBody: body)) == .accepted)
            let stored = try #require(try await store.delivery(guid: delivery.guid))
            #expect(stored.payload == delivery.body)
            #expect(stored.decision.isActed)
            #expect(try await store.messages(issueKey: "octo/hello#7").map(\.kind) == ["fix"])
        }
    }

    @Test("a form signed over its decoded JSON instead of the raw body gets 401")
    func signatureOverRawBody() async throws {
        try await intake.withServer { client, store async throws in
            let delivery = intake.builder.issueLabeled(number: 8, title: "t", body: "b")
            #expect(try await intake.post(client, Self.form(delivery.body), formHeaders(delivery, signedBody: delivery.body)) == .unauthorized)
            #expect(try await store.delivery(guid: delivery.guid) == nil)
        }
    }

    @Test("a form without a payload field gets 400 saying which content type to use")
    func noPayloadField() async throws {
        try await intake.withServer { client, store async throws in
            let delivery = intake.builder.issueLabeled(number: 9, title: "t", body: "b")
            let body = Self.form(delivery.body, field: "data")
            #expect(try await intake.post(client, body, formHeaders(delivery, signedBody: body)) == .badRequest)
            #expect(try await store.delivery(guid: delivery.guid) == nil)
        }
    }
}
