import DayshiftConfig
import Foundation

/// Everything a run works from, frozen when it starts (stored as JSON in `runs.context`), so a run
/// resumed after a restart or a config change does the same job it began.
public struct RunContext: Codable, Sendable, Equatable {
    public var issue: IssueSnapshot
    /// Where to clone from: the repository's `clone_url` setting, else the payload's.
    public var cloneURL: String
    /// The pull request's base; `nil` means the clone's default branch.
    public var baseBranch: String?
    public var setupCommand: String?
    /// The configured test command; `nil` means detect it.
    public var testCommand: String?
    /// The branch Dayshift publishes, e.g. `dayshift/issue-42`.
    public var branch: String

    public init(issue: IssueSnapshot, settings: RepositorySettings, branchPrefix: String) throws {
        guard let cloneURL = settings.cloneURL ?? issue.cloneURL else {
            throw StepFailure("no clone URL: the payload has none and repositories.\"\(issue.repository)\".clone_url is not set")
        }
        self.issue = issue
        self.cloneURL = cloneURL
        self.baseBranch = settings.baseBranch ?? issue.defaultBranch
        self.setupCommand = settings.setupCommand
        self.testCommand = settings.testCommand
        self.branch = "\(branchPrefix)\(issue.number)"
    }
}
