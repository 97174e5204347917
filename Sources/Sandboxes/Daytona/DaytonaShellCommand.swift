import Foundation

/// Turns a ``SandboxCommand`` into the one line sent to the toolbox, the way Daytona's SDKs do: the
/// script travels base64-encoded, so no quoting, newline or shell-specific syntax can break it, and
/// it works on every daemon (old ones split the line on spaces and ran it without a shell).
///
/// ```
/// sh -c 'eval "$(echo <base64 of script> | base64 -d)"' < /dev/null
/// ```
/// where the script is `export NAME='value'` lines (single-quoted), an optional `cd` into the working
/// directory (printing ``missingDirectoryMessage(_:)`` and exiting 1 when it cannot), then the command. Standard input is `/dev/null`, so a tool waiting for input ends instead of hanging
/// (`daytona.md` §13).
enum DaytonaShellCommand {
    /// - Parameters:
    ///   - workingDirectory: absolute directory to `cd` into first (sessions, which have no `cwd`).
    /// - Throws: ``SandboxError/commandFailedToStart(_:)`` for an environment name that is not a shell
    ///   identifier.
    static func wire(_ command: String, environment: [String: String], workingDirectory: String? = nil) throws -> String {
        var script = ""
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            guard isIdentifier(name) else {
                throw SandboxError.commandFailedToStart("invalid environment variable name \"\(name)\"")
            }
            script += "export \(name)=\(quote(value))\n"
        }
        if let workingDirectory {
            script += "cd -- \(quote(workingDirectory)) 2>/dev/null || { echo \(quote(missingDirectoryMessage(workingDirectory))) >&2; exit 1; }\n"
        }
        script += command
        let encoded = Data(script.utf8).base64EncodedString()
        return "sh -c 'eval \"$(echo \(encoded) | base64 -d)\"' < /dev/null"
    }

    /// The only output of a wrapped command whose working directory cannot be entered (exit code 1).
    static func missingDirectoryMessage(_ directory: String) -> String {
        "dayshift: cannot enter the working directory \(directory)"
    }

    /// `text` in single quotes for a POSIX shell (`'` written as `'\''`).
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && CharacterSet.letters.contains(first)) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && CharacterSet.alphanumerics.contains($0)) }
    }
}
