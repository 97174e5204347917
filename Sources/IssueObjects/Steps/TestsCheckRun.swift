import DayshiftCore
import GitHub

/// With `github.check_runs: true`, the tests' results as a completed check run named `dayshift`
/// on the pull request's head commit (the commit the publish step wrote): `success` when the verify
/// tests pass, else `failure`, with both test runs' exit codes and the verify tests' last lines.
///
/// Checked first: the commit's check runs of that name are listed
/// (`GET /repos/{owner}/{repo}/commits/{ref}/check-runs`) and an existing one is updated, so a
/// repeated report never adds a second. Best effort: a failure is logged, never thrown.
enum TestsCheckRun {
    static let name = "dayshift"

    static func publish(_ context: StepContext) async {
        let journal = context.journal
        guard context.settings.github.checkRuns, let commit = journal.publish?.commit, journal.pullRequest != nil,
              let repo = RepositoryName(fullName: journal.context.issue.repository) else { return }
        let passed = journal.verify.map { $0.exitCode == 0 } ?? true
        let output = CheckRunOutput(
            title: journal.verify.map { passed ? "Tests pass" : "Tests fail (exit code \($0.exitCode))" } ?? "No tests ran",
            summary: summaryLines(journal).joined(separator: "\n"),
            text: journal.verify.map { ReportText.codeBlock($0.tail, summary: "last lines of the verify tests").joined(separator: "\n") } ?? "")
        let externalID = "run-\(journal.run.id)"
        do {
            let github = try await context.github(for: repo)
            if let existing = try await github.checkRuns(repo, ref: commit, name: name).first {
                _ = try await github.updateCheckRun(repo, id: existing.id, conclusion: passed ? "success" : "failure", output: output, externalID: externalID)
            } else {
                _ = try await github.createCheckRun(repo, name: name, headSHA: commit, conclusion: passed ? "success" : "failure",
                                                    output: output, externalID: externalID)
            }
        } catch {
            context.dependencies.logger.warning("could not publish the tests' check run", metadata: ["error": "\(error)"])
        }
    }

    private static func summaryLines(_ journal: RunJournal) -> [String] {
        func line(_ title: String, _ outcome: CommandOutcome?) -> String {
            guard let outcome else { return "**\(title):** not run" }
            return "**\(title):** `\(ReportText.markdownSafe(outcome.command))` exit code \(outcome.exitCode)"
        }
        return [line("Before the change (baseline)", journal.baseline), "", line("After the change (verify)", journal.verify),
                "", "Run \(journal.run.sequence) of \(journal.run.issueKey)."]
    }
}
