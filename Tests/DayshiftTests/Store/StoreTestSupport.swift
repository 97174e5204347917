import DayshiftCore
import Foundation
import Store

/// Rows the Store tests start from, written through the Store's own API.
enum StoreSeed {
    /// A time SQLite keeps exactly (GRDB stores dates to the millisecond).
    static let date = Date(timeIntervalSince1970: 1_764_590_400.125)

    static func snapshot(_ key: IssueKey) -> IssueSnapshot {
        IssueSnapshot(repository: key.repository.description, number: key.number, title: "issue \(key.number)", body: "fix it",
                      cloneURL: "https://github.com/\(key.repository).git", defaultBranch: "main", requestedBy: "octocat", installationID: 1)
    }

    static func context(_ key: IssueKey) -> RunContext {
        RunContext(issue: snapshot(key), cloneURL: "https://github.com/\(key.repository).git", baseBranch: "main", setupCommand: nil,
                   testCommand: "true", branch: "dayshift/issue-\(key.number)")
    }

    static func delivery(_ key: IssueKey, guid: String = UUID().uuidString) -> Delivery {
        Delivery(guid: guid, event: "issues", action: "labeled", repository: key.repository.description, issueNumber: key.number,
                 receivedAt: date, payload: Data("{}".utf8), decision: .acted(reason: "test"))
    }

    /// Stores a delivery with a `fix` message for `key`; returns the message's id.
    static func message(_ store: Store, _ key: IssueKey) async throws -> Int64 {
        let outcome = try await store.recordDelivery(delivery(key), message: IssueMessage(issueKey: key, command: .fix, snapshot: snapshot(key)))
        guard case .recorded(let id?) = outcome else { throw HarnessError("not recorded: \(outcome)") }
        return id
    }

    static func key(_ number: Int) -> IssueKey {
        IssueKey(repository: RepositoryName(owner: "o", name: "r"), number: number)
    }
}
