import DayshiftConfig
import DayshiftCore
import Emulators
import Foundation
import IssueObjects
import Store
import Testing

/// Publishing from the server through the Git Data API: what reaches the branch, whose work is
/// never overwritten, and how pull requests stay single.
@Suite("Publishing", .serialized)
struct PublishingTests {
    @Test("files, executables, symlinks, binaries and deletions reach the branch as one commit on the base, in chunked trees")
    func largeMixedChangePublishes() async throws {
        let agent = EndToEndHarness.fixingAgent + """

        mkdir -p generated
        i=0; while [ $i -lt 5000 ]; do echo "generated file $i" > generated/file-$i.txt; i=$((i+1)); done
        printf '\\000\\001\\002\\377binary' > data.bin
        ln -s calc.py calc-link.py
        printf '#!/bin/sh\\necho hello\\n' > run.sh && chmod +x run.sh
        rm README.md
        """
        try await EndToEndHarness.with(agentScript: agent) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 1, title: "big change", body: ""))
            let journal = try await harness.waitForFinishedRun(1, timeoutSeconds: 180)
            #expect(journal.run.status == .succeeded, "\(journal.failedStep?.error ?? "")")

            let branch = "dayshift/issue-1"
            let lines = try await harness.repository.tree(at: branch)
            func entry(_ path: String) -> String? { lines.first { $0.hasSuffix("\t\(path)") } }
            #expect(lines.filter { $0.contains("\tgenerated/file-") }.count == 5000)
            #expect(entry("calc-link.py")?.hasPrefix("120000 blob") == true)
            #expect(entry("run.sh")?.hasPrefix("100755 blob") == true)
            #expect(entry("data.bin") != nil)
            #expect(entry("README.md") == nil)
            #expect(try await harness.repository.file("calc-link.py", at: branch) == "calc.py")
            #expect(try await harness.repository.file("calc.py", at: branch).contains(SampleRepository.fixedLine))
            #expect(try await harness.repository.file("generated/file-4999.txt", at: branch) == "generated file 4999\n")

            let head = try await harness.repository.head(of: branch)
            #expect(try await harness.repository.parents(of: head) == [try #require(journal.clone?.commit)])
            let requests = await harness.emulator.state.recordedRequests
            #expect(requests.filter { $0.method == "POST" && $0.path.hasSuffix("/git/trees") }.count >= 5)
            // Only the binary file goes as a blob (a retried upload sends the same body again).
            #expect(Set(requests.filter { $0.method == "POST" && $0.path.hasSuffix("/git/blobs") }.map(\.body)).count == 1)
            let change = try #require(journal.publish?.change)
            #expect(change.deleted == ["README.md"])
            #expect(change.written.count == 5004)
            #expect(await harness.pullRequests().first?.body?.contains("5005 files: 5004 written, 1 deleted") == true)
        }
    }

    @Test("a person's commit on the run's branch is never overwritten: the retry refuses and says why")
    func personsCommitSurvivesRetry() async throws {
        try await EndToEndHarness.with { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 1, title: "fix add", body: ""))
            #expect(try await harness.waitForFinishedRun(1).run.status == .succeeded)
            let personsCommit = try await harness.repository.commitAsPerson(branch: "dayshift/issue-1", path: "NOTES.md", contents: "mine\n")

            try await harness.send(harness.payloads.commentCreated(number: 1, title: "fix add", comment: "/dayshift retry"))
            let second = try await harness.waitForFinishedRuns(1, count: 2)
            #expect(second.status == .failed)
            #expect(try await harness.repository.branch("dayshift/issue-1", contains: personsCommit))
            #expect(try await harness.repository.head(of: "dayshift/issue-1") == personsCommit)
            let report = try #require(await harness.comments(1).last?.body)
            #expect(report.contains("did not write"))
            #expect(await harness.pullRequests().count == 1)
            // A refusal is a verdict, not a hiccup: no retries.
            #expect(try await harness.store.journal(runID: second.id)?.steps[.publish]?.attempt == 1)
        }
    }

    @Test("a retry after Dayshift's own commit moves the branch; the same change is adopted, not written twice")
    func ownCommitIsUpdated() async throws {
        try await EndToEndHarness.with { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 2, title: "fix add", body: ""))
            #expect(try await harness.waitForFinishedRun(2).run.status == .succeeded)
            let first = try await harness.repository.head(of: "dayshift/issue-2")
            try await harness.send(harness.payloads.commentCreated(number: 2, title: "fix add", comment: "/dayshift retry"))
            try await harness.waitForFinishedRuns(2, count: 2)
            #expect(try await harness.store.latestRun(issueKey: harness.issueKey(2))?.status == .succeeded)
            // The same fix on the same base makes the same tree and parent: Dayshift finds its commit and keeps it.
            #expect(try await harness.repository.head(of: "dayshift/issue-2") == first)
            #expect(await harness.pullRequests().count == 1)
            // The report says what happened this time: the pull request already had this change.
            let pull = try #require(await harness.pullRequests().first)
            let report = try #require(await harness.comments(2).last?.body)
            #expect(report.contains("#\(pull.number) already had this change"), "\(report)")
            #expect(!report.contains("updated #"), "no new commit was written: \(report)")
            // The run's stored summary (what the operator API shows) says the same.
            let summary = try #require(try await harness.store.latestRun(issueKey: harness.issueKey(2))?.summary)
            #expect(summary.contains("#\(pull.number) already had this change"), "\(summary)")
        }
    }

    @Test("a pull request whose 201 was lost is found again: exactly one, and the report says it was opened")
    func lostCreatedAnswerLeavesOnePullRequest() async throws {
        try await EndToEndHarness.with(configure: { $0.steps.defaultRetry = RetryPolicy(attempts: 3, baseSeconds: 0.05, capSeconds: 0.1) }) { harness in
            await harness.emulator.state.injectFault(method: "POST", pathPrefix: "/repos/octo/calculator/pulls", status: 502, losingResponse: true)
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 3, title: "fix add", body: ""))
            let journal = try await harness.waitForFinishedRun(3)
            #expect(journal.run.status == .succeeded)
            #expect(await harness.pullRequests().count == 1)
            #expect(journal.pullRequest?.updated == false)
            #expect(await harness.comments(3).last?.body.contains("opened") == true)
        }
    }

    @Test("a 422 'already exists' after a stale list is adopted: the existing pull request is updated, not duplicated")
    func alreadyExistsIsAdopted() async throws {
        try await EndToEndHarness.with { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 8, title: "fix add", body: ""))
            #expect(try await harness.waitForFinishedRun(8).run.status == .succeeded)
            await harness.emulator.state.answerNextPullListsStale(1)
            try await harness.send(harness.payloads.commentCreated(number: 8, title: "fix add", comment: "/dayshift retry"))
            let second = try await harness.waitForFinishedRuns(8, count: 2)
            #expect(second.status == .succeeded)
            let statuses = await harness.emulator.state.recordedRequests.filter { $0.method == "POST" && $0.path.hasSuffix("/pulls") }.map(\.responseStatus)
            #expect(statuses == [201, 422], "the second run met 422 and adopted the pull request")
            #expect(await harness.pullRequests().count == 1)
            let journal = try #require(try await harness.store.journal(runID: second.id))
            #expect(journal.pullRequest?.updated == true)
        }
    }

    @Test("a change holding a secret in any encoding is not published; the report names the file, never the secret")
    func secretInChangeStopsPublishing() async throws {
        let token = "ghp_Scan" + UUID().uuidString.replacingOccurrences(of: "-", with: "")  // made at test time
        let basic = Data("x-access-token:\(token)".utf8).base64EncodedString()
        let agent = EndToEndHarness.fixingAgent + "\nprintf 'Authorization: Basic \(basic)\\n' > settings.txt\n"
        try await EndToEndHarness.with(agentScript: agent, configure: { $0.github.token = token }) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 4, title: "fix add", body: ""))
            let journal = try await harness.waitForFinishedRun(4)
            #expect(journal.run.status == .failed)
            #expect(journal.failedStep?.name == .publish)
            #expect(try await !harness.repository.branches().contains("dayshift/issue-4"))
            let report = try #require(await harness.comments(4).last?.body)
            #expect(report.contains("settings.txt"))
            #expect(!report.contains(token) && !report.contains(basic))
        }
    }

    @Test("a delivery from a repository outside the allow-lists starts nothing and records why")
    func outOfScopeRepositoryIsIgnored() async throws {
        try await EndToEndHarness.with(configure: { $0.github.allowedRepositories = ["acme/*"] }) { harness in
            try await harness.startServer()
            let delivery = harness.payloads.issueLabeled(number: 5, title: "fix add", body: "")
            #expect(try await harness.send(delivery) == 202)
            let record = try #require(try await harness.store.delivery(guid: delivery.guid))
            #expect(!record.decision.isActed)
            #expect(record.decision.reason.contains("github.allowed_repositories"))
            #expect(try await harness.store.latestRun(issueKey: harness.issueKey(5)) == nil)
        }
        try await EndToEndHarness.with(configure: { $0.github.allowedOwners = ["OCTO"]; $0.github.allowedRepositories = ["octo/calc*"] }) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 6, title: "fix add", body: ""))
            #expect(try await harness.waitForFinishedRun(6).run.status == .succeeded)
        }
    }
}

/// Installation access tokens live one hour; a run that outlives one still publishes.
@Suite("Long runs")
struct LongRunTests {
    @Test("a run spanning more than an hour of GitHub's clock publishes with a renewed installation token")
    func runLongerThanATokenPublishes() async throws {
        let agent = "sleep 3\n" + EndToEndHarness.fixingAgent
        try await EndToEndHarness.with(agentScript: agent) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 1, title: "slow fix", body: ""))
            try await harness.waitForRunningStep(.agent, issue: 1)
            let tokensBefore = await harness.emulator.state.installationTokens.count
            await harness.emulator.state.advanceClock(by: 2 * 3600)  // the agent "works" for two hours
            let journal = try await harness.waitForFinishedRun(1)
            #expect(journal.run.status == .succeeded, "\(journal.failedStep?.error ?? "")")
            #expect(tokensBefore >= 1)
            #expect(await harness.emulator.state.installationTokens.count > tokensBefore, "a new token was minted after the first expired")
            #expect(await harness.emulator.state.recordedRequests.allSatisfy { $0.responseStatus != 401 })
            #expect(try await harness.repository.branches().contains("dayshift/issue-1"))
        }
    }
}
