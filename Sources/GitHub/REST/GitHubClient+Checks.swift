import DayshiftCore
import Foundation

/// A check run as Dayshift reads it back (`check-run` schema, trimmed).
public struct CheckRun: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var headSha: String
    public var status: String
    public var conclusion: String?
    public var externalId: String?

    enum CodingKeys: String, CodingKey {
        case id, name, status, conclusion, headSha = "head_sha", externalId = "external_id"
    }
}

/// What a completed check run shows (`output` of `POST /repos/{owner}/{repo}/check-runs`).
public struct CheckRunOutput: Sendable, Equatable {
    /// One line, e.g. `Tests pass`.
    public var title: String
    /// Markdown, at most 65,535 characters.
    public var summary: String
    /// Markdown details, at most 65,535 characters.
    public var text: String

    public init(title: String, summary: String, text: String) {
        self.title = title
        self.summary = summary
        self.text = text
    }

    var json: [String: any Sendable] {
        ["title": String(title.prefix(200)), "summary": String(summary.prefix(65_000)), "text": String(text.prefix(65_000))]
    }
}

/// Check runs (`../shared/reference/github.md` §8); all need `checks: write` (reads: `checks: read`).
extension GitHubClient {
    /// `GET /repos/{owner}/{repo}/commits/{ref}/check-runs?check_name={name}` → the check runs of
    /// that name on commit `ref` (`checks/list-for-ref`; first page of 100).
    public func checkRuns(_ repo: RepositoryName, ref: String, name: String) async throws -> [CheckRun] {
        struct Page: Decodable {
            var checkRuns: [CheckRun]
            enum CodingKeys: String, CodingKey { case checkRuns = "check_runs" }
        }
        let page: Page = try await send("GET", "/repos/\(repo.owner)/\(repo.name)/commits/\(ref)/check-runs",
                                        query: ["check_name": name, "per_page": "100"])
        return page.checkRuns
    }

    /// `POST /repos/{owner}/{repo}/check-runs` with `status: completed` → 201 `check-run`.
    /// - Parameters:
    ///   - conclusion: `success`, `failure`, `neutral`, `cancelled`, `skipped`, `timed_out` or `action_required`.
    ///   - externalID: the integrator's own reference (Dayshift: `run-<id>`).
    public func createCheckRun(_ repo: RepositoryName, name: String, headSHA: String, conclusion: String, output: CheckRunOutput,
                               externalID: String) async throws -> CheckRun {
        try await send("POST", "/repos/\(repo.owner)/\(repo.name)/check-runs", body: [
            "name": name, "head_sha": headSHA, "status": "completed", "conclusion": conclusion,
            "external_id": externalID, "output": output.json,
        ])
    }

    /// `PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}` with `status: completed` → 200 `check-run`.
    public func updateCheckRun(_ repo: RepositoryName, id: Int64, conclusion: String, output: CheckRunOutput, externalID: String) async throws -> CheckRun {
        try await send("PATCH", "/repos/\(repo.owner)/\(repo.name)/check-runs/\(id)", body: [
            "status": "completed", "conclusion": conclusion, "external_id": externalID, "output": output.json,
        ])
    }
}
