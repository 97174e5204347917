import DayshiftCore
import Foundation
import Mustache
import Store

/// Renders the dashboard's pages from ``DashboardTemplates``: builds each page's values (plain
/// strings, booleans, lists) from the store's types, and lets Mustache escape every one of them.
struct DashboardPages: Sendable {
    private let library: MustacheLibrary

    /// - Throws: a Mustache parse error when a template is malformed (a test renders every page).
    init() throws {
        var library = MustacheLibrary()
        for (name, text) in DashboardTemplates.all {
            try library.register(text, named: name)
        }
        self.library = library
    }

    /// What every page's header needs.
    struct Frame {
        var title: String
        /// The form token for this session; `nil` when signed out.
        var csrf: String?
        var notice: String?
    }

    /// The page `template` with `values` and the frame's.
    func render(_ template: String, _ frame: Frame, _ values: [String: Any] = [:]) -> String {
        var context = values
        context["pageTitle"] = frame.title
        context["signedIn"] = frame.csrf != nil
        context["csrf"] = frame.csrf ?? ""
        if let notice = frame.notice { context["notice"] = notice }
        return library.render(context, withTemplate: template) ?? ""
    }

    // MARK: values

    /// A run's row in the runs list (and the head of its page).
    static func runValues(_ overview: RunOverview, now: Date) -> [String: Any] {
        let run = overview.run
        let step = run.status == .running ? overview.currentStep?.rawValue : nil
        return [
            "id": String(run.id),
            "status": run.status.rawValue,
            "issue": "\(run.context.issue.repository)#\(run.context.issue.number)",
            "title": run.context.issue.title,
            "step": step ?? "",
            "hasStep": step != nil,
            "duration": duration((run.finishedAt ?? now).timeIntervalSince(run.createdAt)),
            "cost": overview.usage.map { cost($0.costUSD) } ?? "—",
            "created": time(run.createdAt),
            "finished": run.finishedAt.map(time) ?? "—",
            "cancelRequested": run.cancelRequestedAt != nil,
            "summary": run.summary ?? "",
            "hasSummary": !(run.summary ?? "").isEmpty,
        ]
    }

    /// A step's row in a run's timeline.
    static func stepValues(_ step: JournalStep) -> [String: Any] {
        [
            "name": step.name.rawValue,
            "status": step.status.rawValue,
            "attempts": String(step.attempt),
            "started": step.startedAt.map(time) ?? "—",
            "duration": step.durationSeconds.map(duration) ?? "—",
            "result": step.result.map(RunViews.resultLine) ?? "",
            "error": step.error ?? "",
            "hasError": step.error != nil,
        ]
    }

    /// A log entry.
    static func logValues(_ entry: RunLogEntry) -> [String: Any] {
        ["id": String(entry.id), "kind": entry.kind.rawValue, "time": time(entry.time), "text": entry.text]
    }

    /// A delivery's row. `canReplay` only for stored webhooks whose GUID is safe in a path.
    static func deliveryValues(_ delivery: Delivery) -> [String: Any] {
        let issue = [delivery.repository, delivery.issueNumber.map { "#\($0)" }].compactMap { $0 }.joined()
        let pathSafe = !delivery.guid.isEmpty && delivery.guid.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_" || $0 == "."
        }
        return [
            "guid": delivery.guid,
            "event": delivery.event,
            "action": delivery.action ?? "",
            "hasAction": !(delivery.action ?? "").isEmpty,
            "issue": issue,
            "received": time(delivery.receivedAt),
            "decision": delivery.decision.isActed ? "acted" : "ignored",
            "reason": delivery.decision.reason,
            "replayOf": delivery.replayOf ?? "",
            "hasReplayOf": delivery.replayOf != nil,
            "canReplay": pathSafe && delivery.event != OperatorActions.event,
        ]
    }

    /// A link for a pull request: only `https:` and `http:` URLs become links.
    static func pullRequestValues(_ pullRequest: PullRequestResult) -> [String: Any] {
        let url = URL(string: pullRequest.url)
        let linkable = url.map { ["https", "http"].contains($0.scheme?.lowercased() ?? "") } ?? false
        return ["number": String(pullRequest.number), "url": pullRequest.url, "hasLink": linkable, "draft": pullRequest.draft]
    }

    // MARK: formats

    /// `2026-12-02 18:20:01 UTC`.
    static func time(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d UTC", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// `4.2 s`, `3 min 05 s`, `2 h 07 min`.
    static func duration(_ seconds: Double) -> String {
        let seconds = max(0, seconds)
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds)
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
    }

    /// `$0.0123`.
    static func cost(_ usd: Double) -> String { String(format: "$%.4f", usd) }
}
