/// Everything a run works from, frozen when it starts (the Store keeps it with the run), so a run
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
    /// The repository's own agent profile (`agent_profile`); `nil` means `agent.profile`.
    public var agentProfile: AgentProfileName?

    public init(issue: IssueSnapshot, cloneURL: String, baseBranch: String?, setupCommand: String?, testCommand: String?, branch: String,
                agentProfile: AgentProfileName? = nil) {
        self.issue = issue
        self.cloneURL = cloneURL
        self.baseBranch = baseBranch
        self.setupCommand = setupCommand
        self.testCommand = testCommand
        self.branch = branch
        self.agentProfile = agentProfile
    }
}
