import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// When ``GitHubClient`` repeats a call GitHub refused for a rate limit (`github.md` §4.3).
///
/// Retried: 429, and 403 that carries a rate-limit sign (`retry-after`, `x-ratelimit-remaining: 0`,
/// or a message mentioning a rate limit). Never retried: 403 "Resource not accessible by
/// integration" (a missing permission) and every other status. The wait is, in order:
/// 1. `retry-after` seconds;
/// 2. else, when `x-ratelimit-remaining` is `0`, until `x-ratelimit-reset` (UTC epoch seconds);
/// 3. else ``secondaryLimitWaitSeconds`` × ``backoffMultiplier``^(retry − 1), lengthened by a
///    random share of up to ``jitterFraction`` (so many clients limited together do not return
///    together; never below the 60 s GitHub asks for).
///
/// The call gives up (throwing GitHub's answer) after ``maxRetries`` retries, or at once when the
/// wait would exceed ``maxWaitSeconds`` — the caller then reschedules using the error's
/// `retryAfterSeconds`. ``waitCapSeconds`` shortens every wait actually slept (tests, demos).
public struct GitHubRetryPolicy: Sendable, Equatable {
    /// Most retries of one call after rate limiting (0 = never retry).
    public var maxRetries: Int
    /// First wait in seconds for a secondary limit without hints: 60 (GitHub's "at least a minute").
    public var secondaryLimitWaitSeconds: Double
    /// Growth of that wait per further retry: 2.
    public var backoffMultiplier: Double
    /// Longest wait in seconds the client sits through; a longer one makes the call throw at once.
    public var maxWaitSeconds: Double
    /// When set, every wait is shortened to at most this many seconds (tests); nil = wait as computed.
    public var waitCapSeconds: Double?
    /// Most extra share added at random to a secondary-limit wait without hints: 0.25 (up to 25 %).
    public var jitterFraction: Double

    /// GitHub's rules: 3 retries, 60 s then doubling, give up on waits over 15 minutes.
    public init(
        maxRetries: Int = 3, secondaryLimitWaitSeconds: Double = 60, backoffMultiplier: Double = 2,
        maxWaitSeconds: Double = 900, waitCapSeconds: Double? = nil, jitterFraction: Double = 0.25
    ) {
        self.jitterFraction = max(0, jitterFraction)
        self.maxRetries = max(0, maxRetries)
        self.secondaryLimitWaitSeconds = secondaryLimitWaitSeconds
        self.backoffMultiplier = backoffMultiplier
        self.maxWaitSeconds = maxWaitSeconds
        self.waitCapSeconds = waitCapSeconds
    }

    /// No retries at all.
    public static let never = GitHubRetryPolicy(maxRetries: 0)

    /// What a refused answer said about rate limiting. Header names are matched case-insensitively.
    public struct Hints: Sendable, Equatable {
        /// `retry-after` in seconds.
        public var retryAfterSeconds: Double?
        /// `x-ratelimit-remaining`.
        public var remaining: Int?
        /// `x-ratelimit-reset` (UTC epoch seconds) as a date.
        public var reset: Date?

        public init(retryAfterSeconds: Double? = nil, remaining: Int? = nil, reset: Date? = nil) {
            self.retryAfterSeconds = retryAfterSeconds
            self.remaining = remaining
            self.reset = reset
        }

        /// Reads `retry-after`, `x-ratelimit-remaining`, `x-ratelimit-reset` from `response`.
        init(_ response: HTTPURLResponse) {
            retryAfterSeconds = response.value(forHTTPHeaderField: "Retry-After").flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            remaining = response.value(forHTTPHeaderField: "X-RateLimit-Remaining").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            reset = response.value(forHTTPHeaderField: "X-RateLimit-Reset")
                .flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                .map { Date(timeIntervalSince1970: $0) }
        }

        /// Seconds the headers ask to wait (`retry-after`, else until reset when none remain), if any.
        func headerWait(now: Date) -> Double? {
            if let retryAfterSeconds, retryAfterSeconds >= 0 { return retryAfterSeconds }
            if remaining == 0, let reset { return max(0, reset.timeIntervalSince(now)) }
            return nil
        }
    }

    /// The message GitHub sends with a 403 for a permission the token lacks.
    public static let notAccessibleMessage = "Resource not accessible by integration"

    /// Whether a refused answer is a rate limit (primary or secondary).
    public static func isRateLimited(status: Int, message: String, hints: Hints) -> Bool {
        if status == 429 { return true }
        guard status == 403, !message.localizedCaseInsensitiveContains(notAccessibleMessage) else { return false }
        return hints.retryAfterSeconds != nil || hints.remaining == 0 || message.localizedCaseInsensitiveContains("rate limit")
    }

    /// Seconds to wait before retry number `retry` (1 = first retry), before ``waitCapSeconds``;
    /// nil when the answer must not be retried (not a rate limit, retries used up, wait too long).
    /// - Parameter jitter: a number in `0..<1` choosing the random share (inject it in tests).
    public func wait(status: Int, message: String, hints: Hints, retry: Int, now: Date,
                     jitter: Double = Double.random(in: 0..<1)) -> Double? {
        guard retry <= maxRetries, Self.isRateLimited(status: status, message: message, hints: hints) else { return nil }
        let wait = hints.headerWait(now: now)
            ?? secondaryLimitWaitSeconds * pow(backoffMultiplier, Double(max(0, retry - 1))) * (1 + jitterFraction * min(max(jitter, 0), 1))
        return wait <= maxWaitSeconds ? wait : nil
    }

    /// The seconds actually slept for a computed wait.
    public func sleepSeconds(for wait: Double) -> Double {
        min(wait, waitCapSeconds ?? wait)
    }
}
