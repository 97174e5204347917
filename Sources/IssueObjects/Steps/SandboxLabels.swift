import DayshiftCore

/// The labels and names that let Dayshift find its sandboxes again (after a crash, or to reap leaks).
public enum SandboxLabels {
    /// `true` on every sandbox Dayshift creates.
    public static let managed = "dayshift.managed"
    /// The issue object's id, `owner/repo#n`.
    public static let issue = "dayshift.issue"
    /// The run's database id.
    public static let run = "dayshift.run"

    static func forRun(_ run: Run) -> [String: String] {
        [managed: "true", issue: run.issueKey, SandboxLabels.run: String(run.id)]
    }

    /// A deterministic, DNS-safe name, e.g. `dayshift-octo-hello-42-r3` (run id 3), from
    /// ``IssueKey/slug`` (a key that does not parse is lowercased and made DNS-safe the same way).
    static func name(for run: Run) -> String {
        let slug = IssueKey(run.issueKey)?.slug ?? IssueKey.slug(of: run.issueKey.lowercased())
        return "dayshift-\(slug)-r\(run.id)"
    }
}
