import Crypto
import DayshiftCore
import Foundation

/// GitHub's `X-Hub-Signature-256` scheme: `sha256=` + lowercase hex of HMAC-SHA256 over the raw
/// body bytes, keyed with the webhook secret's UTF-8 bytes.
///
/// Source: GitHub Docs, "Validating webhook deliveries" (see `../shared/reference/github.md` §2).
public enum WebhookSignature {
    /// The header value GitHub would send for `body`.
    public static func header(for body: some DataProtocol, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + Hex.encode(mac)
    }

    /// True when `header` is a well-formed `sha256=<64 hex>` value matching `body` under `secret`.
    /// The comparison takes the same time wherever the first differing byte is. An empty secret
    /// never verifies.
    public static func isValid(header: String?, body: some DataProtocol, secret: String) -> Bool {
        guard !secret.isEmpty, let header, header.hasPrefix("sha256="),
              let expected = decodeHex(header.dropFirst("sha256=".count)), expected.count == SHA256.byteCount
        else { return false }
        let key = SymmetricKey(data: Data(secret.utf8))
        return HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: Array(body), using: key)
    }

    /// True when `header` has the shape `sha256=<64 hex digits>` (checked before reading a body).
    public static func isWellFormed(header: String?) -> Bool {
        guard let header, header.hasPrefix("sha256=") else { return false }
        let hex = header.dropFirst("sha256=".count)
        return hex.count == 2 * SHA256.byteCount && hex.allSatisfy(\.isHexDigit)
    }

    static func decodeHex(_ text: Substring) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            let pair = text[index..<next]
            guard pair.allSatisfy(\.isHexDigit), let byte = UInt8(pair, radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
