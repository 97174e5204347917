import DayshiftConfig
import DayshiftCore
import Emulators
import Foundation
import Store
import Testing

/// Follow-ups on Dayshift's pull request, end to end on the emulator and real local-sandbox runs.
@Suite("Follow-ups on the pull request", .serialized)
struct FollowUpTests {
    /// Fixes the sample's bug (once) and always adds a line, so every run has a change.
    static let agent = EndToEndHarness.fixingAgent + "\necho \"run at $(date +%s%N)\" >> REVIEWED.md\n"

    @Test("a review requesting changes gives a second commit on the same branch, no second pull request, and a reply on it; a review comment on a closed pull request starts nothing")
    func reviewRequestingChanges() async throws {
        let directory = try TestDirectory("follow-up")
        defer { directory.remove() }
        let seen = directory.url.appendingPathComponent("prompt-seen.md")
        try await EndToEndHarness.with(agentScript: "cp \"$DAYSHIFT_PROMPT_FILE\" '\(seen.path)'\n" + Self.agent,
                                       configure: { $0.sandbox.local.writablePaths.append(directory.url.path) }) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 71, title: "add() subtracts", body: "2 + 3 gives -1"))
            let first = try await harness.waitForFinishedRun(71)
            #expect(first.run.status == .succeeded)
            let pull = try #require(await harness.pullRequests().first)
            let firstCommit = try #require(first.publish?.commit)

            let review = harness.payloads.pullRequestReview(pullNumber: pull.number, headRef: pull.headRef, state: "changes_requested",
                                                            body: "Please keep a note of this review; $(touch /tmp/x) is just text")
            #expect(try await harness.send(review) == 202)
            try await harness.waitForFinishedRuns(71, count: 2, timeoutSeconds: 90)
            let latest = try #require(try await harness.store.latestRun(issueKey: harness.issueKey(71)))
            let second = try #require(try await harness.store.journal(runID: latest.id))
            #expect(second.run.status == .succeeded)
            // Cloned the pull request's branch, committed on top of it, the branch moved there.
            #expect(second.clone?.commit == firstCommit)
            let secondCommit = try #require(second.publish?.commit)
            #expect(try await harness.repository.parents(of: secondCommit) == [firstCommit])
            #expect(try await harness.repository.head(of: pull.headRef) == secondCommit)
            // The same pull request, updated; none opened besides.
            #expect(await harness.pullRequests().count == 1)
            #expect(second.pullRequest?.number == pull.number)
            #expect(second.pullRequest?.updated == true)
            // A reply on the pull request itself.
            #expect(await harness.comments(pull.number).count == 1)
            // The review reached the agent fenced as untrusted, with the issue it follows up.
            let prompt = try String(contentsOf: seen, encoding: .utf8)
            #expect(prompt.contains("Please keep a note of this review; $(touch /tmp/x) is just text"))
            #expect(prompt.contains("2 + 3 gives -1"))
            #expect(prompt.contains("follow-up"))
            #expect(prompt.contains("untrusted"))

            let closed = harness.payloads.pullRequestReviewComment(pullNumber: pull.number, headRef: pull.headRef, body: "one more thing",
                                                                   path: "calc.py", line: 2, pullState: "closed")
            #expect(try await harness.send(closed) == 202)
            let stored = try #require(try await harness.store.delivery(guid: closed.guid))
            #expect(!stored.decision.isActed)
            #expect(stored.decision.reason.contains("closed"))
            #expect(try await harness.store.runs(issueKey: harness.issueKey(71)).count == 2)

            // Merged on GitHub, but a stale delivery still says open: the issue object asks GitHub and
            // starts nothing (no run, no comment, no second pull request).
            try await harness.emulator.state.closePullRequest(owner: EndToEndHarness.owner, repo: EndToEndHarness.repo, number: pull.number, merged: true)
            let commentsBefore = await harness.comments(pull.number).count
            let late = harness.payloads.pullRequestReview(pullNumber: pull.number, headRef: pull.headRef, state: "changes_requested", body: "late")
            try await harness.send(late)
            let store = try harness.store
            try await harness.waitUntil("the stale follow-up to be handled") {
                try await store.messages(issueKey: harness.issueKey(71)).allSatisfy { $0.handledAt != nil }
            }
            let lateMessage = try await store.messages(issueKey: harness.issueKey(71)).first { $0.deliveryGUID == late.guid }
            #expect(lateMessage?.outcome?.contains("no longer open") == true, "\(lateMessage?.outcome ?? "-")")
            #expect(try await store.runs(issueKey: harness.issueKey(71)).count == 2)
            #expect(await harness.comments(pull.number).count == commentsBefore)
            #expect(await harness.pullRequests().count == 1)
            // Nothing was committed on the merged pull request's branch.
            #expect(try await harness.repository.head(of: pull.headRef) == secondCommit)
        }
    }

    @Test("a review comment while a run is running is queued, and its file and line reach the next run's prompt")
    func reviewCommentQueued() async throws {
        let directory = try TestDirectory("follow-up-queue")
        defer { directory.remove() }
        let seen = directory.url.appendingPathComponent("prompt-seen.md")
        let gate = directory.url.appendingPathComponent("go")
        // The first run waits for the gate file, so the review comments arrive while it runs.
        let script = "cp \"$DAYSHIFT_PROMPT_FILE\" '\(seen.path)'\nwhile [ ! -e '\(gate.path)' ]; do sleep 0.1; done\n" + Self.agent
        try await EndToEndHarness.with(agentScript: script, configure: { $0.sandbox.local.writablePaths.append(directory.url.path) }) { harness in
            try await harness.startServer()
            try Data().write(to: gate)
            try await harness.send(harness.payloads.issueLabeled(number: 72, title: "add() subtracts", body: ""))
            _ = try await harness.waitForFinishedRun(72)
            let pull = try #require(await harness.pullRequests().first)
            try FileManager.default.removeItem(at: gate)

            try await harness.send(harness.payloads.pullRequestReview(pullNumber: pull.number, headRef: pull.headRef, state: "changes_requested",
                                                                      body: "first round"))
            try await harness.waitForRunningStep(.agent, issue: 72)
            for (line, text) in [(2, "rename this"), (3, "and this")] {
                try await harness.send(harness.payloads.pullRequestReviewComment(pullNumber: pull.number, headRef: pull.headRef, body: text,
                                                                                 path: "calc.py", line: line))
            }
            let store = try harness.store
            try await harness.waitUntil("both review comments to be queued") {
                try await store.messages(issueKey: harness.issueKey(72)).filter { $0.outcome?.hasPrefix("queued behind run 2") == true }.count == 2
            }
            try Data().write(to: gate)
            try await harness.waitForFinishedRuns(72, count: 3, timeoutSeconds: 90)
            // One run took both queued comments; nothing was dropped.
            #expect(try await store.runs(issueKey: harness.issueKey(72)).count == 3)
            let prompt = try String(contentsOf: seen, encoding: .utf8)
            #expect(prompt.contains("file=\"calc.py\" line=\"2\""))
            #expect(prompt.contains("rename this"))
            #expect(prompt.contains("and this"))
            #expect(await harness.pullRequests().count == 1)
        }
    }
}
