import DayshiftConfig
import Foundation

/// publish: commits the files the agent changed (and only those) on the run's branch and force-pushes it to the clone's
/// remote. Safe to repeat: an existing commit is kept, and the push is a forced update of a
/// branch only Dayshift writes.
struct PublishStep: RunStep {
    let name = StepName.publish

    /// The agent controls the clone, `.git` included: never run its hooks or its fsmonitor
    /// program in Dayshift's own git commands.
    static let untrustedRepositoryGuards = "-c core.hooksPath=/dev/null -c core.fsmonitor= "

    func perform(_ context: StepContext) async throws -> StepOutput {
        let branch = context.journal.context.branch
        let base = context.journal.output(.clone)?.commit
        let head = try await context.runChecked("git rev-parse HEAD", what: "reading the commit")
        if head == base {
            // Not committed yet (a repeat after a crash finds the commit already made).
            let paths = context.journal.output(.agent)?.changedFiles ?? []
            let sandbox = try await context.sandbox()
            let provider = context.dependencies.sandboxes
            try await provider.uploadFile(in: sandbox.id, path: StepContext.commitMessagePath, contents: Data(ReportText.commitMessage(context.journal).utf8))
            try await provider.uploadFile(in: sandbox.id, path: StepContext.changedPathsPath, contents: Data(paths.joined(separator: "\0").utf8))
            try await context.call("publish.commit") {
                try await context.runChecked("""
                git checkout -q -B '\(branch)' && \
                git add -A --pathspec-from-file="$HOME/\(StepContext.changedPathsPath)" --pathspec-file-nul && \
                git \(Self.untrustedRepositoryGuards) commit -q -F "$HOME/\(StepContext.commitMessagePath)"
                """, what: "committing", environment: context.gitIdentityEnvironment)
            }
        }
        let commit = try await context.runChecked("git rev-parse HEAD", what: "reading the commit")
        guard commit != context.journal.output(.clone)?.commit else { throw StepFailure("nothing to publish: no commit beyond the base") }
        try await context.call("publish.push") {
            // Push to the configured clone URL, not to whatever `origin` the agent may have
            // rewritten, with hooks and URL rewriting switched off: the credential must only
            // ever reach the real remote.
            var environment = context.gitCredentialEnvironment
            environment["DAYSHIFT_PUSH_URL"] = context.journal.context.cloneURL
            try await context.runChecked("""
                for section in $(git config --local --name-only --get-regexp '^url\\.' | sed 's/\\.[^.]*$//' | sort -u); do git config --local --remove-section "$section"; done; \
                git \(Self.untrustedRepositoryGuards) push -q --force "$DAYSHIFT_PUSH_URL" 'HEAD:refs/heads/\(branch)'
                """, what: "pushing \(branch)", environment: environment)
        }
        return StepOutput(commit: commit, branch: branch)
    }
}
