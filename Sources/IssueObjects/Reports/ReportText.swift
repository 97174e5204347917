import DayshiftConfig
import Agents
import DayshiftCore
import Foundation
import GitHub

/// The words Dayshift writes to GitHub: the commit message, the pull request body and the issue
/// comment. Issue text appears in them only as Markdown data, never as a command.
enum ReportText {
    /// Hidden marker that finds a run's report comment again:
    /// `<!-- dayshift:report issue=<key> run=<id> key=<hmac> -->`. The `key` is an HMAC of the
    /// issue and run under a server secret, so a stranger cannot plant a comment that Dayshift
    /// would take for its own and edit.
    static func reportMarker(_ journal: RunJournal, secret: String) -> String {
        let subject = "report \(journal.run.issueKey) \(journal.run.id)"
        let mac = WebhookSignature.header(for: Data(subject.utf8), secret: secret).suffix(16)
        return "<!-- dayshift:report issue=\(journal.run.issueKey) run=\(journal.run.id) key=\(mac) -->"
    }

    static func commitMessage(_ journal: RunJournal) -> String {
        let issue = journal.context.issue
        return "Fix #\(issue.number): \(IssueTextCleaner.safeTitle(issue.title).prefix(60))\n\nChange made by Dayshift for issue #\(issue.number).\n"
    }

    /// `(run 12,`: how a pull request body names the run that opened it.
    static func runMention(_ journal: RunJournal) -> String { "(run \(journal.run.id)," }

    static func pullRequestBody(_ journal: RunJournal) -> String {
        let issue = journal.context.issue
        var lines = ["Fixes #\(issue.number)", ""]
        lines.append("Dayshift ran a coding agent on this issue and opened this pull request \(runMention(journal)) the issue's run \(journal.run.sequence)).")
        if let change = journal.publish?.change {
            let files = change.written.map { ($0, "changed") } + change.deleted.map { ($0, "deleted") }
            lines += ["", "### What changed", ""]
            lines.append("\(files.count) \(files.count == 1 ? "file" : "files"): \(change.written.count) written, \(change.deleted.count) deleted, \(change.bytes) bytes.")
            lines.append("")
            for (path, verb) in files.sorted(by: { $0.0 < $1.0 }).prefix(50) { lines.append("- `\(markdownSafe(path))` \(verb)") }
            if files.count > 50 { lines.append("- … and \(files.count - 50) more") }
        }
        if let verify = journal.verify, verify.exitCode != 0 {
            lines += ["", "> [!WARNING]", "> The tests still fail after the change, so this pull request is a draft."]
        }
        if let budget = journal.agent?.budget {
            lines += ["", "> [!NOTE]", "> The agent stopped at a budget (\(budget.sentence)); the tests pass with what it changed."]
        }
        lines += agentSection(journal.agent)
        lines += ["", "### Tests", ""]
        lines += testSection("Before (baseline)", journal.baseline)
        lines += testSection("After (verify)", journal.verify)
        return lines.joined(separator: "\n")
    }

    /// The agent's account: profile, turns, tokens and cost (the proxy's metering and the agent's
    /// own figures), what was removed from the issue text, and the agent's own summary, fenced as
    /// untrusted.
    /// - Parameter always: false leaves the section out when it would only name the profile (the
    ///   issue comment of a `command` agent stays one sentence).
    static func agentSection(_ agent: AgentResult?, always: Bool = true) -> [String] {
        guard let agent else { return [] }
        if !always, agent.account == nil, agent.modelUsage == nil, agent.stripped.isEmpty, agent.budget == nil { return [] }
        var lines = ["", "### Agent", ""]
        var facts = ["profile `\((agent.profile ?? .command).rawValue)`"]
        if let account = agent.account {
            if let turns = account.turns { facts.append("\(turns) \(turns == 1 ? "turn" : "turns")") }
            if let input = account.inputTokens, let output = account.outputTokens { facts.append("\(input) input and \(output) output tokens") }
            if let cost = account.costUSD { facts.append("$\(String(format: "%.4f", cost)) by its own count") }
        }
        lines.append("**Agent:** " + facts.joined(separator: ", ") + ".")
        if let usage = agent.modelUsage {
            lines += ["", "**Model usage:** \(usage.sentence) (metered by Dayshift's LLM proxy)."]
        }
        if !agent.stripped.isEmpty {
            lines += ["", "**Removed from the issue text before the agent read it:** \(agent.stripped.joined(separator: "; "))."]
        }
        if let summary = agent.account?.summary, !summary.isEmpty {
            lines += [""] + codeBlock(summary, summary: "the agent's own summary (untrusted)")
        }
        return lines
    }

    static func testSection(_ title: String, _ outcome: CommandOutcome?) -> [String] {
        guard let outcome else { return ["**\(title):** not run (no test command configured or detected)", ""] }
        let verdict = outcome.exitCode == 0 ? "passed" : (outcome.timedOut ? "timed out" : "failed")
        return ["**\(title):** `\(outcome.command)` \(verdict) (exit code \(outcome.exitCode), \(String(format: "%.1f", outcome.seconds)) s)", ""]
            + codeBlock(outcome.tail) + [""]
    }

    /// Untrusted output as a collapsed, fenced block whose fence is longer than any backtick run in
    /// `text` (so the output cannot end it), with `@mentions` neutralised.
    static func codeBlock(_ text: String, summary: String = "last lines") -> [String] {
        let text = neutraliseMentions(text)
        var longest = 0, current = 0
        for character in text {
            current = character == "`" ? current + 1 : 0
            longest = max(longest, current)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return ["<details><summary>\(summary)</summary>", "", fence, text, fence, "", "</details>"]
    }

    /// `@name` → `@\u{200B}name`, so nobody is notified by text Dayshift repeats.
    static func neutraliseMentions(_ text: String) -> String {
        text.replacing(/@(?=[A-Za-z0-9])/) { _ in "@\u{200B}" }
    }

    /// The report's marker under the configured secret (the webhook secret, else the token).
    static func reportMarker(_ journal: RunJournal, settings: DayshiftConfiguration) -> String {
        reportMarker(journal, secret: settings.webhook.secret.isEmpty ? settings.github.token : settings.webhook.secret)
    }

    /// The run's final status in one sentence, judged from the journal: the tests' exit codes,
    /// whether the agent changed anything, the pull request's number and whether this run opened it.
    /// - Parameter adoptedUnchanged: the branch already held this very commit from an earlier run,
    ///   so the pull request "already had this change".
    static func issueComment(_ journal: RunJournal, adoptedUnchanged: Bool = false) -> String {
        switch journal.finalStatus {
        case .succeeded, .tests_failed:
            let pr = journal.pullRequest
            let link = pr.map { "#\($0.number) (\($0.url))" } ?? "a pull request"
            let action = pr?.updated == true
                ? (adoptedUnchanged ? "found that #\(pr?.number ?? 0) already had this change" : "updated \(link) with a new commit")
                : "opened \(pr?.draft == true ? "the draft pull request " : "")\(link)"
            // "found that #8 already had this change" names the pull request's address after it.
            let place = adoptedUnchanged && pr?.updated == true ? " (\(pr?.url ?? ""))" : " for this issue"
            let verdict = journal.finalStatus == .succeeded ? "Dayshift \(action)\(place); the tests pass."
                : "Dayshift \(action): the tests still fail after the change (exit code \(journal.verify?.exitCode ?? -1))."
            return ([verdict] + agentSection(journal.agent, always: false)).joined(separator: "\n")
        case .no_changes:
            let sentence = journal.context.issue.followUp.map { "Dayshift ran the agent on the feedback, but it made no change; #\($0.pullRequest) is as it was." }
                ?? "Dayshift ran the agent on this issue, but it made no change, so there is no pull request."
            return ([sentence]
                + agentSection(journal.agent, always: false)).joined(separator: "\n")
        case .cancelled:
            return "Dayshift cancelled its run on this issue."
        case .budgetExceeded:
            let budget = journal.agent?.budget
            let published = journal.pullRequest.map { " The tests pass with what it changed, so it opened #\($0.number) (\($0.url))." }
                ?? " Its change was not published (it made none, or the tests did not pass with it)."
            return (["Dayshift stopped the agent on this issue at a budget: \(budget?.sentence ?? "a per-run limit")." + published]
                + agentSection(journal.agent)).joined(separator: "\n")
        case .failed:
            let step = journal.failedStep
            return (["Dayshift could not finish this issue: the `\(step?.name.rawValue ?? "?")` step failed.", ""]
                + codeBlock(step?.error ?? "unknown error", summary: "what happened") + agentSection(journal.agent, always: false)).joined(separator: "\n")
        case .running:
            return "Dayshift is working on this issue."
        }
    }

    /// A file name as inline code: no backticks or line breaks that could end the code span.
    static func markdownSafe(_ text: String) -> String {
        String(text.map { $0 == "`" ? "'" : ($0.isNewline ? " " : $0) })
    }
}
