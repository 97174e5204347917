import Emulators
import Foundation
import Logging
import Sandboxes
import Synchronization
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Parent suite of the Daytona client and reaper tests (`swift test --filter DaytonaClient`).
@Suite enum DaytonaClient {}

/// A Daytona emulator on loopback plus a ``DaytonaSandboxProvider`` pointed at it, with a clock
/// whose sleeps are recorded and cut short (so Retry-After and back-off cost milliseconds).
struct DaytonaFixture: Sendable {
    static let apiKey = "dtn_test_0123456789abcdef_SECRET"
    static let quietLogger = Logger(label: "dayshift.tests.daytona") { _ in SwiftLogNoOpLogHandler() }

    let emulator: RunningDaytonaEmulator
    let provider: DaytonaSandboxProvider
    let sleeps: SleepLog

    var state: DaytonaEmulatorState { emulator.state }

    /// The standard request: deterministic name, Dayshift's labels.
    static func request(run: Int = 1, name: String? = nil, environment: [String: String] = [:]) -> SandboxCreateRequest {
        SandboxCreateRequest(
            name: name ?? "dayshift-octo-hello-42-r\(run)",
            labels: ["dayshift.managed": "true", "dayshift.issue": "octo/hello#42", "dayshift.run": "\(run)"],
            environment: environment)
    }

    /// Requests received so far, optionally only those whose spec path (without `/api` or
    /// `/toolbox/{id}`) and method match.
    func requests(_ method: String? = nil, _ specPath: String? = nil) async -> [DaytonaRecordedRequest] {
        await state.recordedRequests.filter { request in
            (method == nil || request.method == method) && (specPath == nil || request.specPath == specPath)
        }
    }

    func requests(_ method: String, prefix: String) async -> [DaytonaRecordedRequest] {
        await state.recordedRequests.filter { $0.method == method && $0.specPath.hasPrefix(prefix) }
    }
}

/// Records every requested sleep and sleeps at most `clamp` seconds. With `advancesClock`, the
/// clock's `now` also moves on by the part of each sleep that was skipped, so deadlines see the
/// whole requested wait.
final class SleepLog: Sendable {
    private let waits = Mutex<[Double]>([])
    private let skipped = Mutex<Duration>(.zero)
    let clampSeconds: Double
    let advancesClock: Bool

    init(clampSeconds: Double = 0.02, advancesClock: Bool = false) {
        self.clampSeconds = clampSeconds
        self.advancesClock = advancesClock
    }

    var recorded: [Double] { waits.withLock { $0 } }

    var clock: DaytonaClock {
        DaytonaClock(
            now: { [self] in ContinuousClock.now + skipped.withLock { $0 } },
            sleep: { [self] duration in
                let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
                waits.withLock { $0.append(seconds) }
                let slept = min(seconds, clampSeconds)
                try await Task.sleep(for: .milliseconds(Int64(slept * 1000)))
                if advancesClock { skipped.withLock { $0 += .milliseconds(Int64((seconds - slept) * 1000)) } }
            },
            random: { 0.5 })
    }
}

/// Starts an emulator (with `faults` from the start), builds a provider for it, runs `body`, stops
/// the emulator.
func withDaytona<T>(
    faults: [DaytonaFault] = [],
    serverKey: String? = DaytonaFixture.apiKey,
    clientKey: String = DaytonaFixture.apiKey,
    configuration: DaytonaEmulatorConfiguration = DaytonaEmulatorConfiguration(),
    tweak: (inout DaytonaSandboxSettings) -> Void = { _ in },
    sleeps: SleepLog = SleepLog(),
    _ body: (DaytonaFixture) async throws -> T
) async throws -> T {
    let state = DaytonaEmulatorState(configuration: configuration, faults: faults, logger: DaytonaFixture.quietLogger)
    let emulator = try await DaytonaEmulator.start(state: state, apiKey: serverKey, logger: DaytonaFixture.quietLogger)
    var settings = DaytonaSandboxSettings(
        apiURL: emulator.apiURL, apiKey: clientKey, autoStopMinutes: 30, autoArchiveMinutes: 60, autoDeleteMinutes: 120,
        environment: ["SANDBOX_WIDE": "yes"], requestTimeoutSeconds: 60, startTimeoutSeconds: 60,
        retry: DaytonaRetryPolicy(maxAttempts: 6, initialBackoffSeconds: 0.5, maxWaitSeconds: 10, maxTotalWaitSeconds: 30))
    tweak(&settings)
    let provider = DaytonaSandboxProvider(
        settings: settings, logger: DaytonaFixture.quietLogger, clock: sleeps.clock)
    let fixture = DaytonaFixture(emulator: emulator, provider: provider, sleeps: sleeps)
    do {
        let result = try await body(fixture)
        await emulator.stop()
        return result
    } catch {
        await emulator.stop()
        throw error
    }
}

/// Polls `condition` every 50 ms for up to `seconds`.
func eventually(seconds: Double = 10, _ condition: () async throws -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return false
}

/// A raw main-API call to the emulator (for state changes the provider does not offer, e.g. archive).
func rawAPICall(_ fixture: DaytonaFixture, _ method: String, _ path: String) async throws -> Int {
    var request = URLRequest(url: URL(string: fixture.emulator.apiURL.absoluteString + path)!)
    request.httpMethod = method
    request.setValue("Bearer \(DaytonaFixture.apiKey)", forHTTPHeaderField: "Authorization")
    let (_, response) = try await URLSession.shared.data(for: request)
    return (response as? HTTPURLResponse)?.statusCode ?? 0
}
