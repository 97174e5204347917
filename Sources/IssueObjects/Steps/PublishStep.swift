import DayshiftConfig
import Foundation

/// publish: commits the agent's change on the run's branch and force-pushes it to the clone's
/// remote. Safe to repeat: an existing commit is kept, and the push is a forced update of a
/// branch only Dayshift writes.
struct PublishStep: RunStep {
    let name = StepName.publish

    func perform(_ context: StepContext) async throws -> StepOutput {
        let branch = context.journal.context.branch
        let status = try await context.runChecked("git status --porcelain", what: "checking for changes")
        if !status.isEmpty {
            let sandbox = try await context.sandbox()
            let message = ReportText.commitMessage(context.journal)
            try await context.dependencies.sandboxes.uploadFile(in: sandbox.id, path: StepContext.commitMessagePath, contents: Data(message.utf8))
            try await context.runChecked("git checkout -q -B '\(branch)' && git add -A && git commit -q -F \"$HOME/\(StepContext.commitMessagePath)\"",
                                         what: "committing", environment: context.gitIdentityEnvironment)
        }
        let commit = try await context.runChecked("git rev-parse HEAD", what: "reading the commit")
        guard commit != context.journal.output(.clone)?.commit else { throw StepFailure("nothing to publish: no commit beyond the base") }
        try await context.runChecked("git push -q --force origin 'HEAD:refs/heads/\(branch)'", what: "pushing \(branch)",
                                     environment: context.gitCredentialEnvironment)
        return StepOutput(commit: commit, branch: branch)
    }
}
