/// Replaces known secret values with `[redacted]` in any text Dayshift stores or publishes (the
/// journal, logs, pull requests and issue comments). An agent, or issue text that talks an agent
/// into it, can print secrets it finds; they must never reach a public comment.
public struct SecretRedactor: Sendable {
    private let secrets: [String]

    /// - Parameter secrets: values to hide; empty ones and ones shorter than 6 characters are
    ///   ignored (too likely to match ordinary text).
    public init(secrets: [String]) {
        self.secrets = Array(Set(secrets.filter { $0.count >= 6 })).sorted { $0.count > $1.count }
    }

    public func redact(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }
}
