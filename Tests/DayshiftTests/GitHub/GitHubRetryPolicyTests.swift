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
        #expect(policy.wait(status: 403, message: limited, hints: .init(), retry: 1, now: now) == 60)
        #expect(policy.wait(status: 403, message: limited, hints: .init(), retry: 2, now: now) == 120)
        #expect(policy.wait(status: 429, message: "", hints: .init(), retry: 3, now: now) == 240)
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
