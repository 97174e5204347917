import Foundation

/// How a step is retried after a transient failure (a network error, a 5xx, a sandbox hiccup):
/// up to `attempts` attempts in all, waiting `min(cap, base × 2^(n−1))` seconds before attempt
/// n+1, with half of that wait random ("equal jitter"). Permanent failures (a setup command
/// that exits non-zero) are never retried.
///
/// Keys: `steps.retry.default.*` and `steps.retry.<step>.*` with `attempts`, `base_seconds`,
/// `cap_seconds`.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, from 1 (no retry).
    public var attempts: Int
    /// Seconds before the second attempt.
    public var baseSeconds: Double
    /// Longest wait, in seconds.
    public var capSeconds: Double

    public init(attempts: Int = 3, baseSeconds: Double = 2, capSeconds: Double = 60) {
        self.attempts = attempts
        self.baseSeconds = baseSeconds
        self.capSeconds = capSeconds
    }

    /// Seconds to wait after failed attempt `attempt` (from 1), with jitter from `random` in 0...1.
    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> Double {
        let exponential = min(capSeconds, baseSeconds * pow(2, Double(max(0, attempt - 1))))
        return exponential / 2 + exponential / 2 * random
    }
}
