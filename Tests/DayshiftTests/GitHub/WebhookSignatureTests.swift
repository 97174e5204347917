import Foundation
import GitHub
import Testing

@Suite("Webhook signature")
struct WebhookSignatureTests {
    // GitHub's documented test vector ("Validating webhook deliveries").
    let secret = "It's a Secret to Everybody"
    let payload = Data("Hello, World!".utf8)
    let expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

    @Test("GitHub's test vector signs and verifies")
    func documentedVector() {
        #expect(WebhookSignature.header(for: payload, secret: secret) == expected)
        #expect(WebhookSignature.isValid(header: expected, body: payload, secret: secret))
    }

    @Test("a wrong, malformed or missing signature is refused", arguments: [
        nil, "", "sha256=", "sha1=757107ea0eb2509fc211221cce984b8a37570b6d", "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18", "sha256=757107ea",
        "SHA256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    ])
    func refused(header: String?) {
        #expect(!WebhookSignature.isValid(header: header, body: payload, secret: secret))
    }

    @Test("a changed body or another secret does not verify, and an empty secret never does")
    func bodyAndSecretMatter() {
        #expect(!WebhookSignature.isValid(header: expected, body: Data("Hello, World?".utf8), secret: secret))
        #expect(!WebhookSignature.isValid(header: expected, body: payload, secret: "other"))
        #expect(!WebhookSignature.isValid(header: WebhookSignature.header(for: payload, secret: ""), body: payload, secret: ""))
    }
}
