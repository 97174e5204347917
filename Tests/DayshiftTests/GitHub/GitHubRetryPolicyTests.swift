import Foundation
import GitHub
import Testing

/// Which refused answers are retried and after how long (`github.md` §4.3).
@Suite("GitHubRetryPolicy")
struct GitHubRetryPolicyTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    let policy = GitHubRetryPolicy()

    @Test func retryAfterWinsThenResetThenBackoff() {
        let limited = "You have exceeded a secondary rate limit."
        #expect(policy.wait(status: 429, message: limited, hints: .init(retryAfterSeconds: 7), retry: 1, now: now) == 7)
        #expect(policy.wait(status: 403, message: limited, hints: .init(retryAfterSeconds: 3, remaining: 0, reset: now + 500), retry: 1, now: now) == 3)
        #expect(policy.wait(status: 403, message: "API rate limit exceeded", hints: .init(remaining: 0, reset: now + 42), retry: 1, now: now) == 42)
        #expect(policy.wait(status: 403, message: limited, hints: .init(), retry: 1, now: now, jitter: 0) == 60)
        #expect(policy.wait(status: 403, message: limited, hints: .init(), retry: 2, now: now, jitter: 0) == 120)
        #expect(policy.wait(status: 429, message: "", hints: .init(), retry: 3, now: now, jitter: 0) == 240)
    }

    @Test("a secondary limit without hints waits at least 60 s, lengthened by up to 25 % at random")
    func secondaryLimitBackoffHasJitter() {
        #expect(policy.wait(status: 429, message: "", hints: .init(), retry: 1, now: now, jitter: 0.5) == 67.5)
        #expect(policy.wait(status: 429, message: "", hints: .init(), retry: 2, now: now, jitter: 0.999)! < 150)
        let waits = (0..<50).compactMap { _ in policy.wait(status: 429, message: "", hints: .init(), retry: 1, now: now) }
        #expect(waits.count == 50)
        #expect(waits.allSatisfy { (60..<75).contains($0) })
        #expect(Set(waits).count > 1, "the jitter varies the waits")
        // Header hints are obeyed exactly: no jitter on retry-after or a reset.
        #expect(policy.wait(status: 429, message: "", hints: .init(retryAfterSeconds: 3), retry: 1, now: now, jitter: 0.9) == 3)
    }

    @Test("the primary budget spaces requests out near zero and waits for the reset at zero")
    func rateBudgetSlowsDownNearZero() async {
        let budget = GitHubRateBudget(reserve: 100)
        #expect(await budget.pause(now: now) == 0, "nothing known yet")
        await budget.observe(remaining: 4000, reset: now + 600)
        #expect(await budget.pause(now: now) == 0, "plenty left")
        await budget.observe(remaining: 9, reset: now + 600)
        #expect(await budget.pause(now: now) == 60, "600 s spread over the 10 calls left")
        #expect(await budget.pause(now: now) == 600.0 / 9, "a concurrent caller counts one call taken")
        await budget.observe(remaining: 0, reset: now + 42)
        #expect(await budget.pause(now: now) == 42, "none left: until the reset")
        #expect(await budget.pause(now: now + 43) == 0, "after the reset: go")
        await budget.observe(remaining: nil, reset: nil)
        #expect(await budget.pause(now: now + 43) == 0)
    }

    @Test func permissionErrorsAndPlain403sAreNotRetried() {
        #expect(policy.wait(status: 403, message: "Resource not accessible by integration", hints: .init(retryAfterSeconds: 1), retry: 1, now: now) == nil)
        #expect(policy.wait(status: 403, message: "Must have admin rights to Repository.", hints: .init(), retry: 1, now: now) == nil)
        #expect(policy.wait(status: 422, message: "Validation Failed", hints: .init(retryAfterSeconds: 1), retry: 1, now: now) == nil)
        #expect(policy.wait(status: 502, message: "Server Error", hints: .init(), retry: 1, now: now) == nil)
    }

    @Test func givesUpAfterMaxRetriesOrTooLongAWaitAndCapsSleeps() {
        #expect(policy.wait(status: 429, message: "", hints: .init(retryAfterSeconds: 1), retry: 4, now: now) == nil)
        #expect(policy.wait(status: 429, message: "", hints: .init(retryAfterSeconds: 901), retry: 1, now: now) == nil)
        #expect(GitHubRetryPolicy.never.wait(status: 429, message: "", hints: .init(retryAfterSeconds: 1), retry: 1, now: now) == nil)
        let capped = GitHubRetryPolicy(waitCapSeconds: 0.01)
        #expect(capped.sleepSeconds(for: 60) == 0.01)
        #expect(policy.sleepSeconds(for: 60) == 60)
    }
}
