import Foundation

/// Finds a secret in text in the forms it could leak in: as is, base64 and base64url,
/// percent-encoded, JSON-escaped, and (for multi-line secrets such as a PEM key) any of its
/// long lines alone.
enum SecretForms {
    static func forms(of secret: String) -> [String] {
        let base64 = Data(secret.utf8).base64EncodedString()
        let base64URL = base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let jsonEscaped = secret.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "/", with: "\\/")
        var forms = [secret, base64.replacingOccurrences(of: "=", with: ""), base64URL, jsonEscaped,
                     secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret]
        forms += secret.split(separator: "\n").map(String.init).filter { $0.count >= 40 }
        return forms.filter { !$0.isEmpty }
    }

    /// True when any form of `secret` occurs in `text`.
    static func occurs(_ secret: String, in text: String) -> Bool {
        forms(of: secret).contains { text.contains($0) }
    }
}
