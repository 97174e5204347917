import DayshiftCore
import DayshiftConfig
import Foundation

/// The configuration a server runs with, as JSON for `GET /api/v1/config`: every setting under
/// its name in snake case, grouped as the configuration holds it (mostly the YAML keys:
/// `server.max_body_bytes`, `github.api_url`; `data_directory` is `data_dir`), and every secret — the
/// webhook secret, the operator token, the GitHub token and private key, the Daytona and model
/// API keys, the PostgreSQL password, and the values of environment variables handed to sandboxes — only as `"[set]"` or
/// `""`; credentials inside URLs (`https://user:token@host`) as `[redacted]`.
enum EffectiveConfiguration {
    /// Property names that hold secrets, wherever they appear.
    static let secretNames: Set<String> = ["secret", "token", "operatorToken", "privateKeyPEM", "apiKey", "password"]

    static func json(_ configuration: DayshiftConfiguration) -> JSONValue {
        value(of: configuration)
    }

    private static func value(of subject: Any) -> JSONValue {
        switch subject {
        case let value as Bool: return .bool(value)
        case let value as Int: return .int(value)
        case let value as Int64: return .int(value)
        case let value as Double: return .double(value)
        case let value as String: return .string(CredentialRedaction.urls(in: value))
        default: break
        }
        let mirror = Mirror(reflecting: subject)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.map { value(of: $0.value) } ?? .null
        case .collection, .set:
            return .array(mirror.children.map { value(of: $0.value) })
        case .dictionary:
            var fields: [String: JSONValue] = [:]
            for child in mirror.children {
                let pair = Mirror(reflecting: child.value).children.map(\.value)
                if pair.count == 2 { fields[String(describing: pair[0])] = value(of: pair[1]) }
            }
            return .object(fields)
        case .struct, .class:
            var fields: [String: JSONValue] = [:]
            for child in mirror.children {
                guard let label = child.label else { continue }
                if secretNames.contains(label) {
                    fields[snakeCase(label)] = .string(isSet(child.value) ? "[set]" : "")
                } else if label == "environment", let variables = child.value as? [String: String] {
                    // Variables handed to sandboxes (e.g. sandbox.daytona.env) often hold tokens: names only.
                    fields[snakeCase(label)] = .object(variables.mapValues { _ in .string("[set]") })
                } else {
                    fields[snakeCase(label)] = value(of: child.value)
                }
            }
            return .object(fields)
        default:
            return .string(String(describing: subject))
        }
    }

    private static func isSet(_ value: Any) -> Bool {
        if let text = value as? String { return !text.isEmpty }
        let mirror = Mirror(reflecting: value)
        return mirror.displayStyle != .optional || !mirror.children.isEmpty
    }

    /// `maxBodyBytes` → `max_body_bytes`, `apiURL` → `api_url`, `privateKeyPEM` → `private_key_pem`, `memoryMiB` → `memory_mib`.
    static func snakeCase(_ name: String) -> String {
        let characters = Array(name.replacingOccurrences(of: "MiB", with: "Mib"))
        var result = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) { result.append("_") }
            }
            result.append(contentsOf: character.lowercased())
        }
        return result
    }
}
