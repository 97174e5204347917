import DayshiftConfig
import DayshiftCore

extension RunContext {
    /// The context a run of `issue` works from under `settings`.
    /// - Parameter branchPrefix: `git.branch_prefix`, e.g. `dayshift/issue-`.
    /// - Throws: ``StepFailure`` when neither the payload nor the settings give a clone URL.
    public init(issue: IssueSnapshot, settings: RepositorySettings, branchPrefix: String) throws {
        guard let cloneURL = settings.cloneURL ?? issue.cloneURL else {
            throw StepFailure("no clone URL: the payload has none and repositories.\"\(issue.repository)\".clone_url is not set")
        }
        self.init(issue: issue, cloneURL: cloneURL, baseBranch: settings.baseBranch ?? issue.defaultBranch, setupCommand: settings.setupCommand,
                  testCommand: settings.testCommand, branch: "\(branchPrefix)\(issue.number)", agentProfile: settings.agentProfile)
    }
}
