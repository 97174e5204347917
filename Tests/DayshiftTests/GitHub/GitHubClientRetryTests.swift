import DayshiftCore
import Emulators
import Foundation
import GitHub
import Testing

/// Records the waits a client asks for instead of sleeping.
actor SleepRecorder {
    private(set) var waits: [Double] = []
    func record(_ seconds: Double) { waits.append(seconds) }
}

/// ``GitHubClient`` against emulator faults: rate limits retried as GitHub advises, the rest not.
@Suite("GitHubClientRetry")
struct GitHubClientRetryTests {
    static let repo = RepositoryName(owner: "acme", name: "widgets")

    static func withClient(
        policy: GitHubRetryPolicy = GitHubRetryPolicy(), realSleep: Bool = false,
        _ body: (RunningGitHubEmulator, GitHubClient, SleepRecorder) async throws -> Void
    ) async throws {
        let state = GitHubEmulatorState()
        await state.seedIssue(owner: "acme", repo: "widgets", number: 7, title: "Bug")
        let emulator = try await GitHubEmulator.start(state: state)
        let recorder = SleepRecorder()
        let sleep: @Sendable (Double) async throws -> Void
        if realSleep {
            sleep = { try await Task.sleep(for: .seconds($0)) }
        } else {
            sleep = { await recorder.record($0) }
        }
        let client = GitHubClient(baseURL: emulator.baseURL, retryPolicy: policy, sleep: sleep, now: { state.now() }, token: { "any-token" })
        do {
            try await body(emulator, client, recorder)
        } catch {
            await emulator.stop()
            throw error
        }
        await emulator.stop()
    }

    static func statuses(_ emulator: RunningGitHubEmulator) async -> [Int] {
        await emulator.state.recordedRequests.map(\.responseStatus)
    }

    @Test func retryAfterOn429And403IsHonoured() async throws {
        try await Self.withClient { emulator, client, recorder in
            await emulator.state.injectFault(pathPrefix: "/repos/acme/widgets/issues/7/comments", status: 429, headers: ["retry-after": "7"])
            await emulator.state.injectFault(
                pathPrefix: "/repos/acme/widgets/issues/7/comments", status: 403, headers: ["retry-after": "2"],
                message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
            )
            let comment = try await client.createIssueComment(Self.repo, issue: 7, body: "hello")
            #expect(comment.body == "hello")
            #expect(await recorder.waits == [7, 2])
            #expect(await Self.statuses(emulator) == [429, 403, 201])
        }
    }

    @Test func exhaustedPrimaryLimitWaitsUntilReset() async throws {
        try await Self.withClient { emulator, client, recorder in
            let reset = Int(emulator.state.now().timeIntervalSince1970) + 30
            let before = ContinuousClock.now
            await emulator.state.injectFault(
                pathPrefix: "/repos/acme/widgets/issues", status: 403,
                headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset)]
            )
            _ = try await client.issueComments(Self.repo, issue: 7)
            let elapsed = Double((ContinuousClock.now - before).components.seconds)
            let waits = await recorder.waits
            #expect(waits.count == 1)
            // Until the reset: 30 s less the (whole) second it was rounded to and the real time
            // that passed before the answer came (a loaded machine takes seconds).
            #expect((29 - elapsed - 1)...30 ~= (waits.first ?? 0), "\(waits), \(elapsed) s passed")
        }
    }

    @Test func secondaryLimitWithoutHintsBacksOffFromAMinuteThenGivesUp() async throws {
        try await Self.withClient(policy: GitHubRetryPolicy(maxRetries: 2)) { emulator, client, recorder in
            await emulator.state.injectFault(pathPrefix: "/repos/acme/widgets/issues", status: 429, count: 5)
            let error = try await #require(throws: GitHubAPIError.self) { try await client.issueComments(Self.repo, issue: 7) }
            #expect(error.status == 429)
            let waits = await recorder.waits
            #expect(waits.count == 2)
            #expect((60..<75).contains(waits.first ?? 0), "at least a minute, plus jitter: \(waits)")
            #expect((120..<150).contains(waits.last ?? 0), "then doubled, plus jitter: \(waits)")
            #expect(await Self.statuses(emulator) == [429, 429, 429])
        }
    }

    @Test("a client sharing a rate budget slows down once an answer says the budget is nearly spent")
    func budgetNearZeroSpacesRequests() async throws {
        let state = GitHubEmulatorState()
        await state.seedIssue(owner: "acme", repo: "widgets", number: 7, title: "Bug")
        let emulator = try await GitHubEmulator.start(state: state)
        let recorder = SleepRecorder()
        let budget = GitHubRateBudget(reserve: 100)
        let client = GitHubClient(baseURL: emulator.baseURL, sleep: { await recorder.record($0) }, now: { state.now() },
                                  token: { "any-token" }, budget: budget)
        do {
            _ = try await client.issueComments(Self.repo, issue: 7)
            #expect(await recorder.waits.isEmpty, "no budget known: no pause")
            let reset = Int(state.now().timeIntervalSince1970) + 100
            await state.injectFault(pathPrefix: "/repos/acme/widgets/issues/7/comments", status: 404,
                                    headers: ["x-ratelimit-remaining": "1", "x-ratelimit-reset": String(reset)])
            await #expect(throws: GitHubAPIError.self) { try await client.issueComments(Self.repo, issue: 7) }
            _ = try await client.issueComments(Self.repo, issue: 7)
            let waits = await recorder.waits
            #expect(waits.count == 1)
            #expect((40...50).contains(waits.first ?? 0), "about 100 s spread over the 2 calls left: \(waits)")
        } catch {
            await emulator.stop()
            throw error
        }
        await emulator.stop()
    }

    @Test func waitCapKeepsRealSleepsShort() async throws {
        try await Self.withClient(policy: GitHubRetryPolicy(waitCapSeconds: 0.01), realSleep: true) { emulator, client, _ in
            await emulator.state.injectFault(pathPrefix: "/repos/acme/widgets/issues", status: 429, count: 2, headers: ["retry-after": "30"])
            let started = ContinuousClock.now
            _ = try await client.issueComments(Self.repo, issue: 7)
            // Two Retry-After: 30 waited for real would take a minute.
            #expect(ContinuousClock.now - started < .seconds(30))
            #expect(await Self.statuses(emulator) == [429, 429, 200])
        }
    }

    @Test func resourceNotAccessibleIsNotRetried() async throws {
        try await Self.withClient { emulator, client, recorder in
            await emulator.state.injectFault(
                pathPrefix: "/repos/acme/widgets/issues", status: 403, count: 3, headers: ["retry-after": "1"],
                message: "Resource not accessible by integration"
            )
            let error = try await #require(throws: GitHubAPIError.self) { try await client.addIssueReaction(Self.repo, issue: 7, content: "eyes") }
            #expect(error.status == 403)
            #expect(error.description.contains("Resource not accessible by integration"))
            #expect(await recorder.waits.isEmpty)
            #expect(await Self.statuses(emulator) == [403])
        }
    }

    @Test func validationAndServerErrorsSurfaceAtOnce() async throws {
        try await Self.withClient { emulator, client, recorder in
            await emulator.state.injectFault(pathPrefix: "/repos/acme/widgets/pulls", status: 502)
            let server = try await #require(throws: GitHubAPIError.self) {
                try await client.pullRequests(Self.repo, headBranch: "dayshift/issue-7")
            }
            #expect(server.status == 502)
            let invalid = try await #require(throws: GitHubAPIError.self) {
                try await client.requestReviewers(Self.repo, pullRequest: 99, reviewers: ["octocat"])
            }
            #expect(invalid.status == 404)
            _ = try await client.createPullRequest(Self.repo, title: "Fix", head: "dayshift/issue-7", base: "main", body: "", draft: false)
            let duplicate = try await #require(throws: GitHubAPIError.self) {
                try await client.createPullRequest(Self.repo, title: "Fix", head: "dayshift/issue-7", base: "main", body: "", draft: false)
            }
            #expect(duplicate.status == 422)
            #expect(duplicate.isPullRequestAlreadyExists)
            #expect(await recorder.waits.isEmpty)
            #expect(await Self.statuses(emulator) == [502, 404, 201, 422])
        }
    }

    @Test func addLabelsAndRequestReviewers() async throws {
        try await Self.withClient { emulator, client, _ in
            #expect(try await client.addLabels(Self.repo, issue: 7, labels: ["dayshift", "bug"]) == ["dayshift", "bug"])
            #expect(try await client.addLabels(Self.repo, issue: 7, labels: ["bug", "triaged"]) == ["dayshift", "bug", "triaged"])
            let pull = try await client.createPullRequest(Self.repo, title: "Fix", head: "dayshift/issue-7", base: "main", body: "", draft: false)
            let updated = try await client.requestReviewers(Self.repo, pullRequest: pull.number, reviewers: ["octocat"])
            #expect(updated.number == pull.number)
            #expect(await emulator.state.requestedReviewers(owner: "acme", repo: "widgets", number: pull.number) == ["octocat"])
            let author = try await #require(throws: GitHubAPIError.self) {
                try await client.requestReviewers(Self.repo, pullRequest: pull.number, reviewers: [emulator.state.userLogin])
            }
            #expect(author.status == 422)
            #expect(await emulator.state.labels(owner: "acme", repo: "widgets", number: 7) == ["dayshift", "bug", "triaged"])
        }
    }
}
