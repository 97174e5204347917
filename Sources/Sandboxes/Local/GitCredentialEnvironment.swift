import Foundation

/// Hands HTTPS credentials to one `git` process without putting them on a command line, in a file,
/// in the repository config or in a log.
///
/// ``prepare(username:password:in:)`` writes a small `GIT_ASKPASS` script (mode 0700) that only
/// echoes the environment variables ``usernameVariable`` and ``passwordVariable``; the secrets travel
/// in the environment of that one git process. Callers also pass `-c credential.helper=` so no
/// configured helper is asked or told about them, and call ``remove()`` when git has ended.
/// The same approach as Daytona's daemon ("a temporary askpass helper, credential helpers disabled").
public struct GitCredentialEnvironment: Sendable {
    /// Environment variable the askpass script answers `Username for …` prompts with.
    public static let usernameVariable = "DAYSHIFT_GIT_USERNAME"
    /// Environment variable the askpass script answers every other prompt (passwords) with.
    public static let passwordVariable = "DAYSHIFT_GIT_PASSWORD"

    /// Variables to add to git's environment: `GIT_TERMINAL_PROMPT=0`, and with credentials also
    /// `GIT_ASKPASS` and the two credential variables.
    public let environment: [String: String]
    /// The askpass script, or `nil` when there are no credentials.
    public let askPassScript: URL?
    private let secrets: [String]

    /// Prepares the environment for one git process.
    ///
    /// Credentials are used only when both are present and non-empty (as Daytona does); otherwise
    /// git runs without any and cannot prompt.
    /// - Parameters:
    ///   - directory: where to write the askpass script (a sandbox's `tmp`); created when missing.
    /// - Throws: a file-system error when the script cannot be written.
    public static func prepare(username: String?, password: String?, in directory: URL) throws -> Self {
        var environment = ["GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never"]
        guard let username, let password, !username.isEmpty, !password.isEmpty else {
            return Self(environment: environment, askPassScript: nil, secrets: [])
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("dayshift-askpass-\(UUID().uuidString.lowercased()).sh")
        let body = """
            #!/bin/sh
            case "$1" in
              [Uu]sername*) printf '%s\\n' "$\(usernameVariable)" ;;
              *) printf '%s\\n' "$\(passwordVariable)" ;;
            esac

            """
        guard
            FileManager.default.createFile(
                atPath: script.path, contents: Data(body.utf8), attributes: [.posixPermissions: 0o700])
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: script.path])
        }
        environment["GIT_ASKPASS"] = script.path
        environment[usernameVariable] = username
        environment[passwordVariable] = password
        return Self(environment: environment, askPassScript: script, secrets: [username, password])
    }

    /// Deletes the askpass script (if any).
    public func remove() {
        if let askPassScript { try? FileManager.default.removeItem(at: askPassScript) }
    }

    /// `text` with the credentials (as given and percent-encoded) and any URL user-info replaced by `***`.
    public func redact(_ text: String) -> String {
        Self.redact(text, secrets: secrets)
    }

    /// `text` with every one of `secrets` (as given and percent-encoded) and any URL user-info
    /// (`scheme://user:password@`) replaced by `***`.
    public static func redact(_ text: String, secrets: [String]) -> String {
        var result = text
        var variants: [String] = []
        for secret in secrets where !secret.isEmpty {
            variants.append(secret)
            for allowed in [CharacterSet.urlUserAllowed, .urlPasswordAllowed] {
                if let encoded = secret.addingPercentEncoding(withAllowedCharacters: allowed), encoded != secret {
                    variants.append(encoded)
                }
            }
        }
        // Longest first, so a secret containing another is removed whole.
        for variant in variants.sorted(by: { $0.count > $1.count }) {
            result = result.replacingOccurrences(of: variant, with: "***")
        }
        return result.replacing(userInfoPattern) { match in String(match.output.1) + "***@" }
    }

    /// `scheme://` followed by user-info up to `@`, e.g. `https://x:token@`.
    nonisolated(unsafe) private static let userInfoPattern = /([A-Za-z][A-Za-z0-9+.\-]*:\/\/)[^\/@\s]+@/
}
