import DayshiftConfig
import DayshiftCore
import Emulators
import Foundation
import IssueObjects
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The tracking comment, end to end on real parts: what a person watching the issue sees, version
/// by version (the GitHub emulator keeps every edit of a comment's body).
@Suite("Tracking comment", .serialized)
struct TrackingCommentTests {
    static let owner = EndToEndHarness.owner
    static let repo = EndToEndHarness.repo

    /// The step a progress version says is running (`now \`verify tests\``), if any.
    static func currentStep(_ body: String) -> String? {
        guard let match = body.firstMatch(of: /: now `([a-z_ ]+)`/) else { return nil }
        return String(match.1)
    }

    /// Every version of comment `id`, through the emulator's history view over HTTP.
    static func history(_ harness: EndToEndHarness, commentID: Int) async throws -> [String] {
        let url = harness.emulator.baseURL.appendingPathComponent("_emulator/repos/\(owner)/\(repo)/issues/comments/\(commentID)/history")
        var request = URLRequest(url: url)
        request.setValue("Bearer inspection", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let revisions = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return revisions.compactMap { $0["body"] as? String }
    }

    @Test("one run makes one tracking comment, edited step by step, whose last version names the pull request; 👀 then 🚀 on the comment that asked")
    func oneCommentEditedInPlace() async throws {
        try await EndToEndHarness.with(configure: { $0.github.commentEditIntervalSeconds = 0 }) { harness in
            let state = harness.emulator.state
            await state.seedIssue(owner: Self.owner, repo: Self.repo, number: 8, title: "add() subtracts", body: "2 + 3 gives -1")
            let trigger = try await state.seedComment(owner: Self.owner, repo: Self.repo, issue: 8, body: "/dayshift", userLogin: "octocat")
            try await harness.startServer()
            try await harness.send(harness.payloads.commentCreated(number: 8, title: "add() subtracts", comment: "/dayshift", commentID: trigger.id))

            let journal = try await harness.waitForFinishedRun(8)
            #expect(journal.run.status == .succeeded)
            let pull = try #require(await harness.pullRequests().first)
            let ours = await harness.comments(8).filter { $0.id != trigger.id }
            #expect(ours.count == 1, "exactly one tracking comment: \(ours.map(\.body))")
            let tracking = try #require(ours.first)
            #expect(journal.report?.commentID == Int64(tracking.id))

            let versions = try await Self.history(harness, commentID: tracking.id)
            #expect(versions == (await state.commentHistory(owner: Self.owner, repo: Self.repo, id: tracking.id)).map(\.body))
            #expect(versions.count >= 4, "posted, then edited at least three times: \(versions.count) versions")
            #expect(versions.allSatisfy { $0.contains("<!-- dayshift:report issue=") }, "every version carries the hidden marker")
            #expect(versions.first?.contains("Dayshift is working on this issue") == true)
            #expect(Self.currentStep(versions.first ?? "") == "provision", "posted when the run starts")
            // The steps appear in the order they run, each version at or after the one before.
            let order = StepName.allCases.map { TrackingCommentTestsSupport.title($0) }
            let positions = versions.compactMap(Self.currentStep).compactMap { order.firstIndex(of: $0) }
            #expect(positions.count >= 3, "\(versions.compactMap(Self.currentStep))")
            #expect(positions == positions.sorted(), "steps out of order: \(versions.compactMap(Self.currentStep))")
            #expect(Set(positions).count >= 3, "several steps were shown running")
            // A later version shows finished steps with their durations.
            #expect(versions.contains { $0.contains("- ✅ provision · ") && $0.contains("(running)") })
            // The last version is the final status, judged from durable facts.
            let final = try #require(versions.last)
            #expect(final.contains("opened #\(pull.number)"), "\(final)")
            #expect(final.contains("the tests pass"))
            #expect(final.contains("- ✅ verify tests · "))
            #expect(!final.contains("(running)"))
            #expect(final == tracking.body)

            try await harness.waitUntil("the final reaction") {
                await state.commentReactions(owner: Self.owner, repo: Self.repo, commentID: trigger.id).count == 2
            }
            #expect(await state.commentReactions(owner: Self.owner, repo: Self.repo, commentID: trigger.id).map(\.content) == ["eyes", "rocket"])
            #expect(await state.reactions(owner: Self.owner, repo: Self.repo, issue: 8).isEmpty, "the comment got the reactions, not the issue")
        }
    }

    @Test("a 403 secondary limit with retry-after: 3 on the comment edit is waited out; the comment is neither duplicated nor lost")
    func secondaryLimitOnEditIsWaitedOut() async throws {
        try await EndToEndHarness.with(configure: { $0.github.commentEditIntervalSeconds = 0 }) { harness in
            let state = harness.emulator.state
            await state.injectFault(method: "PATCH", pathPrefix: "/repos/\(Self.owner)/\(Self.repo)/issues/comments/", status: 403,
                                    count: 1, headers: ["retry-after": "3"],
                                    message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 12, title: "add() subtracts", body: ""))
            let journal = try await harness.waitForFinishedRun(12)
            #expect(journal.run.status == .succeeded)
            let pull = try #require(await harness.pullRequests().first)

            let comments = await harness.comments(12)
            #expect(comments.count == 1, "one tracking comment: \(comments.map(\.body))")
            let tracking = try #require(comments.first)
            #expect(tracking.body.contains("opened #\(pull.number)"), "the final edit landed")

            let edits = await state.recordedRequests.filter { $0.method == "PATCH" && $0.path.hasSuffix("/issues/comments/\(tracking.id)") }
            let refused = try #require(edits.first)
            #expect(refused.responseStatus == 403)
            let retried = try #require(edits.dropFirst().first)
            #expect(retried.responseStatus == 200)
            #expect(retried.bodyText == refused.bodyText, "the refused edit was sent again, unchanged")
            let waited = try #require(retried.answeredAt).timeIntervalSince(try #require(refused.answeredAt))
            #expect(waited >= 2.9, "retry-after: 3 waited out: \(waited) s")
            let body = try #require(refused.bodyText.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }?["body"] as? String)
            let versions = await state.commentHistory(owner: Self.owner, repo: Self.repo, id: tracking.id).map(\.body)
            #expect(versions.contains(body), "the refused version was not lost")
            #expect(await state.recordedRequests.filter { $0.method == "POST" && $0.path.hasSuffix("/issues/12/comments") }.count == 1)
        }
    }

    @Test("a crash at the report step does not duplicate the tracking comment", arguments: ["report:before", "report.comment:before", "report.comment:after"])
    func crashAtReportKeepsOneComment(point: String) async throws {
        try await EndToEndHarness.with(configure: { $0.failPoints = [point]; $0.github.commentEditIntervalSeconds = 0 }) { harness in
            try await harness.startServer(failPointAction: .throwCrash)
            try await harness.send(harness.payloads.issueLabeled(number: 14, title: "add() subtracts", body: ""))
            let key = harness.issueKey(14)
            let store = try harness.store
            // The run stops at the fail point: the pull request is journaled, the run never finishes.
            try await harness.waitUntil("the run to reach the report step") {
                guard let run = try await store.latestRun(issueKey: key), let journal = try await store.journal(runID: run.id) else { return false }
                return journal.steps[.pull_request]?.status == .succeeded && (point != "report.comment:after" || journal.steps[.report]?.status == .running)
            }
            if point == "report.comment:after" {
                try await harness.waitUntil("the final edit before the crash") { await harness.comments(14).first?.body.contains("opened #") == true }
            }
            await harness.stopServer()
            #expect(try await store.latestRun(issueKey: key)?.status == .running)
            #expect(await harness.comments(14).count == 1)

            harness.configuration.failPoints = []
            try await harness.startServer()
            let journal = try await harness.waitForFinishedRun(14)
            #expect(journal.run.status == .succeeded)
            let pull = try #require(await harness.pullRequests().first)
            let comments = await harness.comments(14)
            #expect(comments.count == 1, "\(point): \(comments.map(\.body))")
            #expect(comments.first?.body.contains("opened #\(pull.number)") == true)
            #expect(await harness.emulator.state.reactions(owner: Self.owner, repo: Self.repo, issue: 14).map(\.content) == ["eyes", "rocket"])
        }
    }

    @Test("a failed run's final edit names the failing step with its last lines in a fenced block, and reacts 😕")
    func failureShowsTheFailingStep() async throws {
        try await EndToEndHarness.with(configure: {
            $0.repositories["octo/calculator"]?.setupCommand = "echo 'missing dependency @octocat' && exit 3"
            $0.github.commentEditIntervalSeconds = 0
        }) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 20, title: "setup breaks", body: ""))
            let journal = try await harness.waitForFinishedRun(20)
            #expect(journal.run.status == .failed)
            let comments = await harness.comments(20)
            #expect(comments.count == 1)
            let final = try #require(comments.first?.body)
            #expect(final.contains("the `setup` step failed"), "\(final)")
            #expect(final.contains("- ❌ setup"), "\(final)")
            #expect(final.contains("- ⏭️ ~~agent~~ (skipped)"), "\(final)")
            let fenced = try #require(final.firstMatch(of: /```+\n([\s\S]*?)\n```+/)?.1)
            #expect(fenced.contains("missing dependency"), "the output's last lines are fenced: \(final)")
            #expect(!final.contains("@octocat"), "mentions in output are neutralised")
            #expect(await harness.emulator.state.reactions(owner: Self.owner, repo: Self.repo, issue: 20).map(\.content) == ["eyes", "confused"])
        }
    }

    @Test("a retry that writes a different change says it updated the pull request with a new commit")
    func retryWithNewCommitSaysUpdated() async throws {
        // Each run writes a different file, so the second run's commit is new.
        let agent = EndToEndHarness.fixingAgent + "\ncat /proc/sys/kernel/random/uuid > run-note.txt\n"
        try await EndToEndHarness.with(agentScript: agent) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 22, title: "add() subtracts", body: ""))
            #expect(try await harness.waitForFinishedRun(22).run.status == .succeeded)
            try await harness.send(harness.payloads.commentCreated(number: 22, title: "add() subtracts", comment: "/dayshift retry"))
            let second = try await harness.waitForFinishedRuns(22, count: 2)
            #expect(second.status == .succeeded)
            let pull = try #require(await harness.pullRequests().first)
            #expect(await harness.pullRequests().count == 1)
            let comments = await harness.comments(22)
            #expect(comments.count == 2, "one tracking comment per run")
            #expect(comments.first?.body.contains("opened #\(pull.number)") == true)
            #expect(comments.last?.body.contains("updated #\(pull.number)") == true && comments.last?.body.contains("with a new commit") == true,
                    "\(comments.last?.body ?? "")")
        }
    }

    @Test("with github.check_runs, the tests' results are a check run on the pull request's head commit, updated (not doubled) by a retry")
    func checkRunCarriesTheTests() async throws {
        try await EndToEndHarness.with(configure: { $0.github.checkRuns = true }) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 18, title: "add() subtracts", body: ""))
            let journal = try await harness.waitForFinishedRun(18)
            #expect(journal.run.status == .succeeded)
            let commit = try #require(journal.publish?.commit)
            let state = harness.emulator.state
            let runs = await state.checkRuns(owner: Self.owner, repo: Self.repo)
            #expect(runs.count == 1)
            let run = try #require(runs.first)
            #expect(run.name == "dayshift" && run.headSHA == commit)
            #expect(run.status == "completed" && run.conclusion == "success")
            #expect(run.title == "Tests pass")
            #expect(run.summary?.contains("exit code 1") == true, "the baseline failed before the change: \(run.summary ?? "")")
            #expect(run.summary?.contains("exit code 0") == true)
            #expect(run.text?.contains("```") == true, "output is fenced")

            try await harness.send(harness.payloads.commentCreated(number: 18, title: "add() subtracts", comment: "/dayshift retry"))
            try await harness.waitForFinishedRuns(18, count: 2)
            let after = await state.checkRuns(owner: Self.owner, repo: Self.repo)
            #expect(after.count == 1, "found again and updated: \(after.map(\.id))")
            #expect(after.first?.externalID?.hasPrefix("run-") == true)
            #expect(after.first?.externalID != run.externalID, "the second run updated it")
        }
    }

    @Test("a trigger while a run is active and a cancel with no run each get one short answer, not silence")
    func messagesThatChangeNothingAreAnswered() async throws {
        try await EndToEndHarness.with(agentScript: "sleep 3\n" + EndToEndHarness.fixingAgent) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.commentCreated(number: 16, title: "bug", comment: "/dayshift cancel"))
            try await harness.waitUntil("the answer to a cancel with no run") {
                await harness.comments(16).contains { $0.body.contains("no run on this issue to cancel") }
            }
            try await harness.send(harness.payloads.issueLabeled(number: 16, title: "bug", body: ""))
            try await harness.waitForRunningStep(.agent, issue: 16)
            try await harness.send(harness.payloads.commentCreated(number: 16, title: "bug", comment: "/dayshift"))
            try await harness.waitUntil("the answer to a trigger while running") {
                await harness.comments(16).contains { $0.body.contains("already working on this issue (run 1)") }
            }
            let journal = try await harness.waitForFinishedRun(16)
            #expect(journal.run.status == .succeeded)
            let comments = await harness.comments(16)
            #expect(comments.count == 3, "two answers and one tracking comment: \(comments.map(\.body))")
            #expect(comments.filter { $0.body.contains("<!-- dayshift:answer") }.count == 2)
            #expect(try await harness.store.runs(issueKey: harness.issueKey(16)).count == 1)
            let outcomes = try await harness.store.messages(issueKey: harness.issueKey(16)).compactMap(\.outcome)
            #expect(outcomes.contains("no running run to stop"))
            #expect(outcomes.contains { $0.hasPrefix("already running") })
        }
    }
}

/// The step titles the tracking comment uses (mirrors `TrackingCommentText.title`, kept here so the
/// test states what people read).
enum TrackingCommentTestsSupport {
    static func title(_ step: StepName) -> String {
        switch step {
        case .baseline: "baseline tests"
        case .verify: "verify tests"
        case .pull_request: "pull request"
        default: step.rawValue
        }
    }
}
