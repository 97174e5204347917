import Foundation

/// The paths `git status --porcelain=v1 -z --untracked-files=all` reports, each with its status
/// code, so that the agent step can tell its own changes from files the tests left behind.
struct WorkTreeStatus: Equatable, Sendable {
    /// `path → "XY"` (e.g. ` M`, `??`, `D `); a rename's old path is listed as deleted.
    var entries: [String: String]

    /// Base64 keeps the NUL separators intact through any transport (a toolbox's JSON `result`
    /// string may not carry them).
    static let command = "git status --porcelain=v1 -z --untracked-files=all | base64 | tr -d '\\n'"

    /// Reads the output of ``command``.
    init(base64 output: String) throws {
        guard let data = Data(base64Encoded: output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw StepFailure("git status output was not base64")
        }
        self.init(porcelain: String(decoding: data, as: UTF8.self))
    }

    init(porcelain output: String) {
        var entries: [String: String] = [:]
        var fields = output.split(separator: "\0", omittingEmptySubsequences: true).map(String.init)[...]
        while let field = fields.popFirst() {
            guard field.count > 3 else { continue }
            let code = String(field.prefix(2))
            entries[String(field.dropFirst(3))] = code
            if code.contains("R") || code.contains("C"), let original = fields.popFirst() {
                entries[original] = "D "
            }
        }
        self.entries = entries
    }

    /// Paths whose status differs from `earlier`: what changed in between, sorted.
    func changed(since earlier: WorkTreeStatus) -> [String] {
        let paths = Set(entries.keys).union(earlier.entries.keys)
        // An untracked file that is gone again (left by the baseline tests, removed since) is no change to the base.
        return paths.filter { entries[$0] != earlier.entries[$0] && !(entries[$0] == nil && earlier.entries[$0] == "??") }.sorted()
    }
}
