import Foundation

/// When and how long the Daytona client waits before repeating a call (`daytona.md` §4, §13).
///
/// | failure | retried for | wait |
/// |---|---|---|
/// | 429 | every call (the throttler refused it before it ran) | `Retry-After` / `Retry-After-<throttler>`, else `X-RateLimit-Reset-<throttler>`, else back-off |
/// | 409 "state change in progress" (main API) | every call | back-off |
/// | 5xx, bare 502, no answer | idempotent calls only (GET, DELETE) | back-off |
///
/// Never retried: `POST /sandbox` after a 5xx or a lost answer (the provider looks the sandbox up by
/// name instead), `process/execute` and other toolbox POSTs, 409 "already exists", every other 4xx.
///
/// Back-off: ``initialBackoffSeconds`` doubled per retry, ± ``jitter``. Every wait is clamped to
/// ``maxWaitSeconds``, and a call gives up (throwing the last error) when the next wait would take
/// its total waiting past ``maxTotalWaitSeconds`` or when ``maxAttempts`` are used.
public struct DaytonaRetryPolicy: Sendable, Equatable {
    /// Most attempts of one call, the first included (≥ 1).
    public var maxAttempts: Int
    /// First back-off wait in seconds; doubled per retry.
    public var initialBackoffSeconds: Double
    /// Longest single wait in seconds (also clamps a server's `Retry-After`).
    public var maxWaitSeconds: Double
    /// Most total waiting of one call in seconds.
    public var maxTotalWaitSeconds: Double
    /// Relative jitter of back-off waits, e.g. `0.2` for ±20 %. Header-given waits get none.
    public var jitter: Double

    public init(
        maxAttempts: Int = 6, initialBackoffSeconds: Double = 1, maxWaitSeconds: Double = 60,
        maxTotalWaitSeconds: Double = 120, jitter: Double = 0.2
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoffSeconds = initialBackoffSeconds
        self.maxWaitSeconds = maxWaitSeconds
        self.maxTotalWaitSeconds = maxTotalWaitSeconds
        self.jitter = jitter
    }

    /// Why a failed attempt may be repeated.
    enum Reason: String, Sendable {
        case rateLimited = "rate limited"
        case conflict = "state change in progress"
        case serverError = "server error"
        case noAnswer = "no answer"
    }

    /// The reason to retry `error` from a call, or `nil` when it must not be retried.
    /// - Parameters:
    ///   - idempotent: GET and DELETE (and calls that are safe to repeat).
    ///   - retriesConflicts: 409 "state change in progress" is retried (main API lifecycle calls).
    static func reason(for error: DaytonaError, idempotent: Bool, retriesConflicts: Bool) -> Reason? {
        switch error {
        case .response(let failure):
            switch failure.status {
            case 429: return .rateLimited
            case 409 where retriesConflicts && !error.isAlreadyExists: return .conflict
            case 500...599 where idempotent: return .serverError
            default: return nil
            }
        case .transport:
            return idempotent ? .noAnswer : nil
        case .invalidResponse, .startTimeout, .sandboxFailed:
            return nil
        }
    }

    /// The wait before retry number `retry` (1 for the first retry) in seconds, before clamping.
    /// A header-given delay wins; otherwise exponential back-off with jitter (`random` in `0..<1`).
    func delay(retry: Int, headerDelay: Double?, random: Double) -> Double {
        if let headerDelay, headerDelay >= 0 { return min(headerDelay, maxWaitSeconds) }
        let base = initialBackoffSeconds * pow(2, Double(max(0, retry - 1)))
        let jittered = base * (1 + jitter * (random * 2 - 1))
        return min(max(0, jittered), maxWaitSeconds)
    }

    /// Seconds to wait as the response headers say (names lowercased), or `nil` when they say nothing.
    ///
    /// 1. `Retry-After` (seconds or an HTTP date) and every `Retry-After-<throttler>`: the largest.
    /// 2. Else `X-RateLimit-Reset-<throttler>` (seconds until the window resets) of the throttlers
    ///    whose `X-RateLimit-Remaining-<throttler>` is 0 (all of them when no remaining count is
    ///    given): the largest. A value above 10⁹ is read as a Unix time.
    public static func headerDelay(_ headers: [String: String], now: Date = Date()) -> Double? {
        func seconds(_ value: String) -> Double? {
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if let number = Double(trimmed), number.isFinite {
                return number > 1_000_000_000 ? max(0, number - now.timeIntervalSince1970) : max(0, number)
            }
            if let date = httpDate(trimmed) { return max(0, date.timeIntervalSince(now)) }
            return nil
        }
        let retryAfter = headers.filter { $0.key == "retry-after" || $0.key.hasPrefix("retry-after-") }
            .compactMap { seconds($0.value) }
        if let largest = retryAfter.max() { return largest }

        let resets = headers.filter { $0.key.hasPrefix("x-ratelimit-reset-") }
        guard !resets.isEmpty else { return nil }
        let exhausted = resets.filter { key, _ in
            let throttler = key.dropFirst("x-ratelimit-reset-".count)
            guard let remaining = headers["x-ratelimit-remaining-\(throttler)"] else { return true }
            return (Double(remaining.trimmingCharacters(in: .whitespaces)) ?? 0) <= 0
        }
        return (exhausted.isEmpty ? resets : exhausted).compactMap { seconds($0.value) }.max()
    }

    private static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}

/// The polling cadence of Daytona's SDKs while waiting for a state: every 100 ms for the first 5 s,
/// then the interval grows ×1.1 per poll up to 1 s.
struct DaytonaPollCadence: Sendable {
    private(set) var interval: Double = 0.1
    private var elapsed: Double = 0

    /// The next wait in seconds.
    mutating func next() -> Double {
        let wait = interval
        elapsed += wait
        if elapsed >= 5 - 1e-9 { interval = min(interval * 1.1, 1.0) }
        return wait
    }
}
