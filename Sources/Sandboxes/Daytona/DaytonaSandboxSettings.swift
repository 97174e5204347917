import Foundation

/// Everything ``DaytonaSandboxProvider`` needs to reach Daytona, as plain values (the server maps its
/// `sandbox.daytona.*` configuration onto this).
///
/// The description never shows ``apiKey``.
public struct DaytonaSandboxSettings: Sendable, Equatable, CustomStringConvertible {
    /// The main API base, `/api` prefix included, e.g. `https://app.daytona.io/api`.
    public var apiURL: URL
    /// The API key (`dtn_…`) or JWT, sent as `Authorization: Bearer …` to the API and the toolbox.
    public var apiKey: String
    /// Snapshot new sandboxes are created from; `nil` = Daytona's default snapshot.
    public var snapshot: String?
    /// Region, e.g. `us` or `eu`; `nil` = the organization's default.
    public var target: String?
    /// `autoStopInterval` in minutes (0 disables).
    public var autoStopMinutes: Int
    /// `autoArchiveInterval` in minutes (0 = Daytona's maximum).
    public var autoArchiveMinutes: Int
    /// `autoDeleteInterval` in minutes (-1 never, 0 = delete when stopped).
    public var autoDeleteMinutes: Int
    /// `networkBlockAll`: block all egress.
    public var networkBlockAll: Bool
    /// `networkAllowList`: comma-separated CIDRs allowed out; `nil` = no list.
    public var networkAllowList: String?
    /// Environment variables set in every sandbox (`env` of `CreateSandbox`), before the request's own.
    public var environment: [String: String]
    /// HTTP timeout of one REST or toolbox call, in seconds (create waits up to 30 s server-side).
    public var requestTimeoutSeconds: Double
    /// How long ``DaytonaSandboxProvider/create(_:)`` and restarts wait for `started`, in seconds.
    public var startTimeoutSeconds: Double
    /// HTTP timeout of `POST /git/clone`, in seconds.
    public var cloneTimeoutSeconds: Double
    /// Commands whose timeout is above this many seconds (or that have none) run in a toolbox session
    /// (`runAsync` + polling) instead of one blocking `POST /process/execute`.
    public var sessionThresholdSeconds: Double
    /// Retries and back-off of every call.
    public var retry: DaytonaRetryPolicy
    /// `limit` of each `GET /sandbox` page (1–200).
    public var listPageSize: Int

    /// - Parameters: see the properties. Defaults match `sandbox.daytona.*` in `Config/dayshift.yaml`.
    public init(
        apiURL: URL = URL(string: "https://app.daytona.io/api")!, apiKey: String, snapshot: String? = nil,
        target: String? = nil, autoStopMinutes: Int = 60, autoArchiveMinutes: Int = 1440, autoDeleteMinutes: Int = 2880,
        networkBlockAll: Bool = false, networkAllowList: String? = nil, environment: [String: String] = [:],
        requestTimeoutSeconds: Double = 60, startTimeoutSeconds: Double = 120, cloneTimeoutSeconds: Double = 600,
        sessionThresholdSeconds: Double = 60, retry: DaytonaRetryPolicy = DaytonaRetryPolicy(), listPageSize: Int = 100
    ) {
        self.apiURL = apiURL
        self.apiKey = apiKey
        self.snapshot = snapshot
        self.target = target
        self.autoStopMinutes = autoStopMinutes
        self.autoArchiveMinutes = autoArchiveMinutes
        self.autoDeleteMinutes = autoDeleteMinutes
        self.networkBlockAll = networkBlockAll
        self.networkAllowList = networkAllowList
        self.environment = environment
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.startTimeoutSeconds = startTimeoutSeconds
        self.cloneTimeoutSeconds = cloneTimeoutSeconds
        self.sessionThresholdSeconds = sessionThresholdSeconds
        self.retry = retry
        self.listPageSize = min(200, max(1, listPageSize))
    }

    public var description: String {
        "DaytonaSandboxSettings(apiURL: \(apiURL.absoluteString), apiKey: ***, snapshot: \(snapshot ?? "default"), "
            + "target: \(target ?? "default"), autoStop: \(autoStopMinutes) min, autoArchive: \(autoArchiveMinutes) min, "
            + "autoDelete: \(autoDeleteMinutes) min)"
    }
}

/// Time as the Daytona client sees it, injectable so tests can shorten waits and record them.
public struct DaytonaClock: Sendable {
    /// A monotonic "now".
    public var now: @Sendable () -> ContinuousClock.Instant
    /// Suspends for `duration`; must throw `CancellationError` when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A random number in `0..<1`, for back-off jitter.
    public var random: @Sendable () -> Double

    public init(
        now: @escaping @Sendable () -> ContinuousClock.Instant,
        sleep: @escaping @Sendable (Duration) async throws -> Void,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.now = now
        self.sleep = sleep
        self.random = random
    }

    /// The real clock and `Task.sleep`.
    public static var live: DaytonaClock {
        DaytonaClock(now: { ContinuousClock.now }, sleep: { try await Task.sleep(for: $0) })
    }

    /// Seconds elapsed since `start`.
    func seconds(since start: ContinuousClock.Instant) -> Double {
        (now() - start).seconds
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// `seconds` as a duration; negative and non-finite values become zero.
    static func seconds(clamped seconds: Double) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }
}
