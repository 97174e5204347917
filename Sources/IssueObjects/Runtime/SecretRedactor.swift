import Foundation
import Synchronization

/// Hides the secrets Dayshift holds in any text it stores or publishes (the journal, logs, pull
/// requests, issue comments), and finds them in bytes about to be published (a change read out of
/// the sandbox). An agent, or issue text that talks an agent into it, can print secrets it finds;
/// they must never reach GitHub.
///
/// Each secret is looked for in the forms it travels in: as given, base64 and base64url (at any of
/// the three byte alignments, so a secret inside a longer encoded string such as an
/// `Authorization: Basic` header is found too), percent-encoded, and JSON-escaped.
/// Secrets can be added while the server runs (installation tokens are minted on demand).
public final class SecretRedactor: Sendable {
    /// The replacement text.
    public static let mask = "[redacted]"
    private let forms = Mutex<[String]>([])
    private let known = Mutex<Set<String>>([])

    /// - Parameter secrets: values to hide; empty ones and ones shorter than 6 characters are
    ///   ignored (too likely to match ordinary text).
    public init(secrets: [String]) {
        add(secrets)
    }

    /// Starts hiding `secrets` too (same rules as ``init(secrets:)``).
    public func add(_ secrets: [String]) {
        let new = known.withLock { known in
            secrets.filter { $0.count >= 6 && known.insert($0).inserted }
        }
        guard !new.isEmpty else { return }
        let variants = new.flatMap(Self.encodedForms)
        forms.withLock { forms in
            forms = Array(Set(forms + variants)).sorted { $0.count > $1.count }
        }
    }

    /// `text` with every form of every secret replaced by ``mask``.
    public func redact(_ text: String) -> String {
        let forms = forms.withLock { $0 }
        guard !forms.isEmpty else { return text }
        return forms.reduce(text) { $0.contains($1) ? $0.replacingOccurrences(of: $1, with: Self.mask) : $0 }
    }

    /// True when `data` holds any form of any secret.
    public func containsSecret(_ data: Data) -> Bool {
        let forms = forms.withLock { $0 }
        return forms.contains { data.range(of: Data($0.utf8)) != nil }
    }

    /// The forms a secret is searched for. Base64 forms keep only the characters that depend on
    /// the secret's bytes alone, so they match inside a longer encoding; they are skipped when
    /// fewer than 8 characters remain.
    static func encodedForms(_ secret: String) -> [String] {
        var forms = [secret]
        let bytes = Array(secret.utf8)
        for offset in 0..<3 {
            let encoded = Array((Data(repeating: 0, count: offset) + Data(bytes)).base64EncodedString())
            let first = (offset * 8 + 5) / 6
            let end = (offset * 8 + bytes.count * 8) / 6
            guard end - first >= 8 else { continue }
            let core = String(encoded[first..<end])
            forms.append(core)
            forms.append(core.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
        }
        for allowed in [CharacterSet.alphanumerics, .urlQueryAllowed, .urlUserAllowed, .urlPasswordAllowed] {
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: allowed) { forms.append(encoded) }
        }
        if let json = try? JSONEncoder().encode(secret), let quoted = String(data: json, encoding: .utf8) {
            forms.append(String(quoted.dropFirst().dropLast()))
        }
        if let json = try? JSONSerialization.data(withJSONObject: [secret]), let text = String(data: json, encoding: .utf8) {
            forms.append(String(text.dropFirst(2).dropLast(2)))
        }
        return Array(Set(forms.filter { !$0.isEmpty }))
    }
}
