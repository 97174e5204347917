/// A crash-injection point: `<site>:before` or `<site>:after`, where a site is a step
/// (`publish`) or an external call inside a step (`pull_request.create`), e.g. `publish:after`.
///
/// When the runtime reaches an armed point, it ends the process at once (as a kill would), so that
/// tests can prove a restart resumes the run without duplicate effects.
public struct FailPoint: Hashable, Sendable, CustomStringConvertible {
    public enum Side: String, Sendable { case before, after }

    /// A step name or an external call site (see ``callSites``).
    public var site: String
    public var side: Side

    /// The external calls that have fail points of their own, each inside the step its prefix names,
    /// and `queue.claim`: taking a sandbox slot (a Store transaction), before the first step.
    public static let callSites = [
        "queue.claim", "provision.create", "clone.git_clone", "agent.run", "publish.commit",
        "pull_request.create", "pull_request.update", "tracking.comment", "report.comment", "cleanup.delete",
    ]

    /// Every site: each step, then each external call.
    public static var allSites: [String] { StepName.allCases.map(\.rawValue) + callSites }

    public init(site: String, side: Side) {
        self.site = site
        self.side = side
    }

    public init(step: StepName, side: Side) {
        self.init(site: step.rawValue, side: side)
    }

    /// Parses `site:side`; `nil` when either part is unknown.
    public init?(_ text: String) {
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 2, Self.allSites.contains(parts[0]), let side = Side(rawValue: parts[1]) else { return nil }
        self.init(site: parts[0], side: side)
    }

    public var description: String { "\(site):\(side.rawValue)" }
}
