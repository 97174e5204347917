import DayshiftCore

extension ChangeSummary {
    /// The summary of a change read out of the sandbox.
    init(_ change: SandboxChange) {
        var written: [String] = [], deleted: [String] = []
        for entry in change.entries {
            if entry.kind == .deleted { deleted.append(entry.path) } else { written.append(entry.path) }
        }
        self.init(written: written, deleted: deleted, bytes: change.byteCount)
    }
}
