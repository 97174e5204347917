import Agents
import DayshiftConfig
import DayshiftCore
import Foundation
import Sandboxes

/// agent: hands the issue (cleaned of hidden text) to the coding agent of the run's profile, keeps
/// its transcript with the run, then records which files it changed (compared with the work tree
/// just before it ran, so files the baseline tests left behind are not counted or committed).
///
/// The verdict is Dayshift's, never the agent's words: an agent that exits non-zero, or (Claude
/// Code) reports `is_error`, a `subtype` other than `success`, or ends its stream without a
/// `result`, fails the run; one that changes nothing ends it as `no_changes`; one that reaches a
/// per-run limit (`agent.timeout_seconds`, `agent.max_turns`, `agent.max_cost_usd`) ends it as
/// `budget_exceeded`. A second attempt (after a crash) continues the Claude Code session it
/// recorded (`--resume`), or else starts from a clean work tree.
struct AgentStep: RunStep {
    let name = StepName.agent
    /// A copy of the work tree's listing taken before the agent first ran (for a resumed session).
    static let beforeListingPath = ".dayshift/status-before-agent"

    func perform(_ context: StepContext) async throws -> StepResult {
        let settings = context.settings.agent
        let runID = context.journal.run.id
        let profile = context.journal.context.agentProfile ?? settings.profile
        let store = context.dependencies.store
        var resumeSession: String?
        if context.attempt > 1, let base = context.journal.clone?.commit {
            // An agent started by a server that crashed may still be running: stop it first.
            try await context.runChecked(CommandAgent.killEarlierAttempt, what: "stopping an earlier agent")
            if profile == .claudeCode, let session = try await store.agentProgress(runID: runID)?.sessionID, Self.isSessionID(session),
               try await context.run("test -s \"$HOME/\(AgentLaunch.transcriptPath)\" && test -f \"$HOME/\(Self.beforeListingPath)\"").exitCode == 0 {
                resumeSession = session
            } else {
                try await context.runChecked("git reset -q --hard \(base) && git clean -q -fd", what: "resetting the work tree")
            }
        }
        let before: WorkTreeStatus
        if resumeSession != nil {
            let data = try await context.downloadBounded(Self.beforeListingPath, maxBytes: 64 << 20, what: "the work tree's earlier listing")
            before = WorkTreeStatus(porcelain: String(decoding: data, as: UTF8.self))
        } else {
            before = try await WorkTreeStatus.read(context, what: "listing files before the agent")
            try await context.runChecked("cp \"$HOME/\(WorkTreeStatus.listingPath)\" \"$HOME/\(Self.beforeListingPath)\"", what: "keeping the listing")
        }
        let issue = context.journal.context.issue
        let (title, titleStripped) = IssueTextCleaner.clean(issue.title)
        let (body, bodyStripped) = IssueTextCleaner.clean(issue.body)
        var stripped = titleStripped.map { "\($0) in the title" } + bodyStripped.map { "\($0) in the body" }
        // Review feedback is a stranger's text too: cleaned the same way.
        var followUp = issue.followUp
        if var feedback = followUp?.feedback {
            for index in feedback.indices {
                let (text, removed) = IssueTextCleaner.clean(feedback[index].body)
                feedback[index].body = text
                stripped += removed.map { "\($0) in review feedback" }
            }
            followUp?.feedback = feedback
        }
        let prompt = AgentPrompt(repository: issue.repository, issueNumber: issue.number, title: title, body: body,
                                 testCommand: context.journal.testCommand, followUp: followUp)
        // The agent reaches its model through the LLM proxy with a token valid while this run runs.
        let modelEnvironment = context.dependencies.modelEnvironment(runID)
        // The run's proxy token is a credential too (it spends the model key while the run lives).
        context.dependencies.redactor.add(modelEnvironment.filter { $0.key.hasSuffix("_API_KEY") }.map(\.value))

        let run = try await runAgent(profile, prompt: prompt, resumeSession: resumeSession, environment: modelEnvironment, context)
        let usage = try await store.usage(runID: runID).map(ModelUsageSummary.init)
        var budget = run.budget
        let cost = max(run.account?.costUSD ?? 0, usage?.costUSD ?? 0)
        if budget == nil, settings.maxCostUSD > 0, cost > settings.maxCostUSD {
            budget = BudgetOverrun(limit: "agent.max_cost_usd", allowed: Self.dollars(settings.maxCostUSD), used: Self.dollars(cost))
        }
        let after = try await WorkTreeStatus.read(context, what: "listing changed files")
        return .agent(AgentResult(command: run.outcome, changedFiles: after.changed(since: before), modelUsage: usage, profile: profile,
                                  account: run.account, budget: budget, stripped: stripped))
    }

    /// How one agent process ended, as the step judges it.
    private struct AgentRun {
        var outcome: CommandOutcome
        var account: AgentAccount?
        var budget: BudgetOverrun?
    }

    /// Runs the agent under `profile`, keeps its transcript, and judges how it ended.
    /// - Throws: ``StepFailure`` with the agent's own error text when it failed.
    private func runAgent(_ profile: AgentProfileName, prompt: AgentPrompt, resumeSession: String?, environment: [String: String],
                          _ context: StepContext) async throws -> AgentRun {
        let settings = context.settings.agent
        let runID = context.journal.run.id
        let store = context.dependencies.store
        let sandbox = try await context.sandbox()
        let result: CommandResult
        let transcript: AgentTranscript
        if profile == .command {
            result = try await context.call("agent.run") {
                try await context.dependencies.agent.run(prompt, provider: context.dependencies.sandboxes, sandbox: sandbox,
                                                         workingDirectory: StepContext.repositoryPath, promptPath: StepContext.promptPath,
                                                         runEnvironment: environment)
            }
            transcript = AgentTranscript(profile: profile, text: result.output, totalBytes: result.output.utf8.count, truncated: result.outputTruncated)
        } else {
            let launch = AgentLaunch(profile: profile, program: settings.program(for: profile), model: settings.model, maxTurns: settings.maxTurns,
                                     maxCostUSD: settings.maxCostUSD, allowedTools: settings.allowedTools, disallowedTools: settings.disallowedTools,
                                     permissionMode: settings.permissionMode)
            let agent = ProfileAgent(launch: launch, timeoutSeconds: settings.timeoutSeconds, environment: context.dependencies.agent.environment)
            let session = resumeSession ?? UUID().uuidString.lowercased()
            try await store.recordAgentProgress(runID: runID, AgentProgress(profile: profile, turns: 0, tool: nil, sessionID: session))
            var rendered = prompt.render()
            if resumeSession != nil { rendered = "Dayshift restarted while you worked. Continue the task where you stopped.\n\n" + rendered }
            let logger = context.dependencies.logger
            result = try await context.call("agent.run") {
                try await agent.run(prompt: rendered, testCommand: context.journal.testCommand, provider: context.dependencies.sandboxes,
                                    sandbox: sandbox, workingDirectory: StepContext.repositoryPath, promptPath: StepContext.promptPath,
                                    runEnvironment: environment, session: session, resume: resumeSession != nil) { progress in
                    try? await store.recordAgentProgress(runID: runID, progress)
                    logger.info("agent progress", metadata: ["run": "\(runID)", "turns": "\(progress.turns)", "tool": "\(progress.tool ?? "-")"])
                }
            }
            transcript = try await ProfileAgent.transcript(profile: profile, provider: context.dependencies.sandboxes, sandbox: sandbox)
        }
        var kept = transcript
        kept.text = context.publicOutput(kept.text)
        try await store.saveAgentTranscript(runID: runID, kept)
        let outcome = context.outcome(profile == .command ? settings.command : settings.program(for: profile), result)

        let ranOutOfTime = result.timedOut && result.durationSeconds >= settings.timeoutSeconds * 0.9
        let timeBudget = BudgetOverrun(limit: "agent.timeout_seconds", allowed: "\(Int(settings.timeoutSeconds)) s",
                                       used: "\(Int(result.durationSeconds.rounded())) s")
        func failure(_ what: String, _ text: String?) -> StepFailure {
            let words = text.map { context.publicOutput(String($0.suffix(4000))) } ?? context.publicOutput(result.lastLines(5))
            let trimmed = words.trimmingCharacters(in: .whitespacesAndNewlines)
            return StepFailure(trimmed.isEmpty ? what : "\(what): \(trimmed)")
        }
        switch profile {
        case .command, .aider:
            if ranOutOfTime { return AgentRun(outcome: outcome, budget: timeBudget) }
            guard result.exitCode == 0 else {
                throw failure("the agent exited \(result.exitCode)\(result.timedOut ? " (timed out)" : "")", nil)
            }
            return AgentRun(outcome: outcome)
        case .codex:
            var reader = CodexEventReader()
            reader.read(transcript.text)
            if ranOutOfTime { return AgentRun(outcome: outcome, account: reader.account, budget: timeBudget) }
            if let text = reader.failure { throw failure("the agent reported an error", text) }
            guard result.exitCode == 0 else { throw failure("the agent exited \(result.exitCode)\(result.timedOut ? " (timed out)" : "")", nil) }
            return AgentRun(outcome: outcome, account: reader.account)
        case .claudeCode:
            var reader = ClaudeStreamReader()
            reader.read(transcript.text)
            let account = reader.account
            // The final figures, as the agent's transcript gives them.
            try await store.recordAgentProgress(runID: runID, AgentProgress(profile: profile, turns: account.turns ?? 0, tool: reader.lastTool,
                                                                            sessionID: account.sessionID))
            if ranOutOfTime { return AgentRun(outcome: outcome, account: account, budget: timeBudget) }
            guard let end = reader.result else {
                throw failure("the agent's stream ended without a result (exit \(result.exitCode)\(result.timedOut ? ", timed out" : ""))", nil)
            }
            // A limit counts only when Dayshift set it (--max-turns, --max-budget-usd): an agent that
            // merely says so has failed, not reached a budget.
            if end.subtype == "error_max_turns", settings.maxTurns > 0 {
                let used = end.numTurns.map { "\($0) turns" } ?? "all turns"
                return AgentRun(outcome: outcome, account: account, budget: BudgetOverrun(limit: "agent.max_turns", allowed: "\(settings.maxTurns) turns", used: used))
            }
            if end.subtype.contains("budget"), settings.maxCostUSD > 0 {
                return AgentRun(outcome: outcome, account: account, budget: BudgetOverrun(limit: "agent.max_cost_usd", allowed: Self.dollars(settings.maxCostUSD),
                                                                                          used: Self.dollars(end.costUSD ?? 0)))
            }
            if end.isError || end.subtype != "success" {
                throw failure(end.subtype == "success" ? "the agent reported an error" : "the agent reported an error (\(end.subtype))", end.text ?? end.subtype)
            }
            guard result.exitCode == 0 else { throw failure("the agent exited \(result.exitCode)", end.text) }
            return AgentRun(outcome: outcome, account: account)
        }
    }

    /// `$0.5000`
    static func dollars(_ amount: Double) -> String { "$" + String(format: "%.4f", amount) }

    /// A session id Dayshift chose (a lowercase UUID): safe as an argument.
    static func isSessionID(_ text: String) -> Bool {
        UUID(uuidString: text) != nil && text.allSatisfy { $0.isHexDigit || $0 == "-" }
    }
}
