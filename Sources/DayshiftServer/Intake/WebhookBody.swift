import Foundation

/// The JSON document inside a webhook request body.
///
/// GitHub sends it either as the body itself (`Content-Type: application/json`) or, the default
/// for repository webhooks, as the `payload` field of a form (`application/x-www-form-urlencoded`,
/// `payload=<percent-encoded JSON>`). Either way `X-Hub-Signature-256` is computed over the raw
/// body as sent, so the signature is checked before this unwrapping.
enum WebhookBody {
    /// The JSON bytes: `body` unchanged unless `contentType` is a form, then its `payload` field
    /// decoded; `nil` when a form has no `payload` field or it is not valid percent-encoding.
    static func json(from body: Data, contentType: String?) -> Data? {
        // `application/json`, what GitHub sends when so configured, skips the parse of the header.
        guard let contentType, contentType != "application/json", isForm(contentType) else { return body }
        for field in body.split(separator: UInt8(ascii: "&")) {
            let parts = field.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, String(decoding: parts[0], as: UTF8.self) == "payload" else { continue }
            // In a form, '+' stands for a space; a literal '+' arrives as %2B.
            let value = String(decoding: parts[1], as: UTF8.self).replacingOccurrences(of: "+", with: " ")
            return value.removingPercentEncoding.map { Data($0.utf8) }
        }
        return nil
    }

    /// True for `application/x-www-form-urlencoded`, parameters (`; charset=…`) and case aside.
    static func isForm(_ contentType: String) -> Bool {
        contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() == "application/x-www-form-urlencoded"
    }
}
