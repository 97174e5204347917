import Foundation

/// What GitHub's latest answers said about one credential's primary budget
/// (`x-ratelimit-remaining`, `x-ratelimit-reset`; `github.md` §4.3), and how long the next request
/// should wait so the budget lasts until it resets: nothing while more than ``reserve`` calls
/// remain; below that, the time left in the window spread evenly over the calls left; at `0`,
/// until the reset. Shared by every client of one credential (an installation, a token).
public actor GitHubRateBudget {
    /// Below this many remaining calls, requests are spaced out (default 100: 2 % of 5,000).
    public let reserve: Int
    private var remaining: Int?
    private var reset: Date?

    public init(reserve: Int = 100) {
        self.reserve = max(1, reserve)
    }

    /// Records an answer's headers (any status); answers without them change nothing.
    public func observe(remaining: Int?, reset: Date?) {
        guard let remaining else { return }
        self.remaining = remaining
        self.reset = reset
    }

    /// Seconds the next request should wait (0 = go now). Each call counts one request taken
    /// from what remains, so concurrent callers are spaced too.
    public func pause(now: Date) -> Double {
        guard let remaining, let reset else { return 0 }
        let left = reset.timeIntervalSince(now)
        guard left > 0 else {
            self.remaining = nil  // the window has reset: the next answer tells the new budget
            return 0
        }
        guard remaining < reserve else {
            self.remaining = remaining - 1
            return 0
        }
        if remaining <= 0 { return left }
        self.remaining = remaining - 1
        return left / Double(remaining + 1)
    }
}
