import GitHub
/// Labels on issues and pull requests, and reviewers requested on pull requests.
extension GitHubEmulatorState {
    /// Label names on issue or pull request `number`, in the order they were first added.
    public func labels(owner: String, repo: String, number: Int) -> [String] {
        labels[RepoKey(owner, repo)]?[number] ?? []
    }

    /// Logins whose review was requested on pull request `number`, in request order.
    public func requestedReviewers(owner: String, repo: String, number: Int) -> [String] {
        requestedReviewers[RepoKey(owner, repo)]?[number] ?? []
    }

    /// `POST /repos/{owner}/{repo}/issues/{issue_number}/labels`: adds the names not there yet
    /// (labels are created on the fly, as GitHub does for unknown names). 404 for an unknown issue.
    func addLabels(owner: String, repo: String, number: Int, names: [String]) throws -> [String] {
        guard issueOrPullExists(owner: owner, repo: repo, number: number) else { throw GitHubAPIError.notFound }
        let key = RepoKey(owner, repo)
        var current = labels[key]?[number] ?? []
        for name in names where !current.contains(where: { $0.lowercased() == name.lowercased() }) {
            current.append(name)
        }
        labels[key, default: [:]][number] = current
        return current
    }

    /// `POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers`: 404 for an unknown pull
    /// request, 422 "Review cannot be requested from pull request author." when a login is its author.
    func requestReviewers(owner: String, repo: String, number: Int, reviewers: [String]) throws -> EmulatedPullRequest {
        guard let pull = pullRequest(owner: owner, repo: repo, number: number) else { throw GitHubAPIError.notFound }
        if reviewers.contains(where: { $0.lowercased() == pull.userLogin.lowercased() }) {
            throw GitHubAPIError(.unprocessableContent, message: "Review cannot be requested from pull request author.")
        }
        let key = RepoKey(owner, repo)
        var current = requestedReviewers[key]?[number] ?? []
        for login in reviewers where !current.contains(where: { $0.lowercased() == login.lowercased() }) {
            current.append(login)
        }
        requestedReviewers[key, default: [:]][number] = current
        return pull
    }
}
