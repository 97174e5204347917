import DayshiftConfig
import DayshiftCore
import Foundation
import IssueObjects
import Store

/// The demo's result, printed as one JSON object with `--json`.
struct DemoReport: Encodable {
    struct Run: Encodable {
        var status: String
        var summary: String?
        var steps: [Step]
    }
    struct Step: Encodable {
        var name: String
        var status: String
        var attempt: Int
        var seconds: Double
    }
    struct PullRequest: Encodable {
        var number: Int
        var url: String
        var head: String
        var draft: Bool
    }
    struct Tests: Encodable {
        var before: TestRun?
        var after: TestRun?
    }
    struct TestRun: Encodable {
        var command: String
        var exitCode: Int32
        enum CodingKeys: String, CodingKey { case command, exitCode = "exit_code" }
    }

    var issue: String
    var run: Run
    var pullRequest: PullRequest?
    var tests: Tests
    var comments: Int
    var branches: [String]
    var workspace: String?
    /// With `--keep`: the command that starts a server on the kept data, and where its operator token is.
    var serveCommand: String?
    var operatorTokenFile: String?

    enum CodingKeys: String, CodingKey {
        case issue, run, pullRequest = "pull_request", tests, comments, branches, workspace
        case serveCommand = "serve_command", operatorTokenFile = "operator_token_file"
    }

    init(journal: RunJournal, comments: Int, branches: [String], workspace: String?) {
        issue = journal.run.issueKey
        let steps = journal.stepsInOrder
        run = Run(status: journal.run.status.rawValue, summary: journal.run.summary, steps: steps.map {
            Step(name: $0.name.rawValue, status: $0.status.rawValue, attempt: $0.attempt, seconds: (($0.durationSeconds ?? 0) * 1000).rounded() / 1000)
        })
        pullRequest = journal.pullRequest.map { PullRequest(number: $0.number, url: $0.url, head: $0.head, draft: $0.draft) }
        tests = Tests(before: journal.baseline.map { TestRun(command: $0.command, exitCode: $0.exitCode) },
                      after: journal.verify.map { TestRun(command: $0.command, exitCode: $0.exitCode) })
        self.comments = comments
        self.branches = branches
        self.workspace = workspace
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
