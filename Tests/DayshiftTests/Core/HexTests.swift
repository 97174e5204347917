import Crypto
import DayshiftCore
import Foundation
import GitHub
import Testing

@Suite("Hex")
struct HexTests {
    @Test("every byte gives its two lower-case digits, in order")
    func everyByte() {
        let bytes = (0...255).map(UInt8.init)
        let expected = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        #expect(Hex.encode(bytes) == expected)
        #expect(Hex.encode([]) == "")
    }

    @Test("a webhook signature header is GitHub's documented example")
    func signatureHeader() {
        // From GitHub's "Validating webhook deliveries": secret "It's a Secret to Everybody", payload "Hello, World!".
        #expect(WebhookSignature.header(for: Data("Hello, World!".utf8), secret: "It's a Secret to Everybody")
            == "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
    }
}
