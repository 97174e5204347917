import Foundation

extension GitHubClient {
    /// `POST /repos/{owner}/{repo}/issues/{issue_number}/labels` with `labels`.
    public func addLabels(_ repo: RepositoryName, issue: Int, labels: [String]) async throws {
        let _: IgnoredBody = try await send("POST", "/repos/\(repo.owner)/\(repo.name)/issues/\(issue)/labels", body: ["labels": labels])
    }

    /// `POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers` with `reviewers` (logins).
    public func requestReviewers(_ repo: RepositoryName, number: Int, reviewers: [String]) async throws {
        let _: IgnoredBody = try await send("POST", "/repos/\(repo.owner)/\(repo.name)/pulls/\(number)/requested_reviewers", body: ["reviewers": reviewers])
    }
}
