import Foundation

/// The paths `git status --porcelain=v1 -z --untracked-files=all` reports, each with its status
/// code, so that the agent step can tell its own changes from files the tests left behind.
struct WorkTreeStatus: Equatable, Sendable {
    /// `path → "XY"` (e.g. ` M`, `??`, `D `); a rename's old path is listed as deleted.
    var entries: [String: String]

    /// Where ``command`` writes the listing, relative to the sandbox home (outside the clone).
    static let listingPath = ".dayshift/status"

    /// Writes the listing to a file, read back with a download: it keeps the NUL separators and has
    /// no size limit (a command's output is cut to its last 64 KiB).
    static let command = "git -c core.fsmonitor= status --porcelain=v1 -z --untracked-files=all > \"$HOME/\(listingPath)\""

    /// Runs ``command`` in the clone and reads the listing.
    static func read(_ context: StepContext, what: String) async throws -> WorkTreeStatus {
        try await context.runChecked("mkdir -p \"$HOME/.dayshift\" && " + command, what: what)
        let data = try await context.downloadBounded(listingPath, maxBytes: 64 << 20, what: "the work tree's listing")
        return WorkTreeStatus(porcelain: String(decoding: data, as: UTF8.self))
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
