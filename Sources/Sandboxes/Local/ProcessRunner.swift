import Foundation
import Subprocess
import Synchronization

#if canImport(System)
import System
#else
import SystemPackage
#endif

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs one host process with a deadline, keeping the tail of its combined stdout and stderr.
///
/// The process starts in a new session (so it leads its own process group), with exactly the
/// environment given (nothing is inherited from the server), stdin at end-of-file, and stderr merged
/// into stdout in write order.
///
/// How it ends:
/// - normally: the exit code, or `128 + signal` when a signal ended it;
/// - at the deadline: the whole process group gets `SIGTERM`, then `SIGKILL` after
///   ``terminationGraceSeconds``; the result has exit code `124` and `timedOut == true`;
/// - when the calling task is cancelled: the same teardown, then `CancellationError` is thrown.
///
/// In every case, processes still left in the group once the main process has ended (background
/// jobs such as `sleep 30 &`) are killed with `SIGKILL` before ``run(_:)`` returns, and a background
/// child that keeps stdout open cannot hold ``run(_:)`` past the end of the main process. Processes
/// that leave the group themselves (`setsid`, double fork into a new session) are not tracked.
///
/// The local sandbox provider runs every sandbox command through it; other parts of Dayshift reuse
/// it to run `git` and other tools on the host.
public struct ProcessRunner: Sendable {
    /// One process to run.
    public struct Invocation: Sendable, Equatable {
        /// An absolute path (`/usr/bin/git`), or a bare name (`git`) looked up in `environment["PATH"]`.
        public var executable: String
        /// Arguments after the executable name, passed as they are (no shell).
        public var arguments: [String]
        /// The complete environment of the process; nothing else is inherited.
        public var environment: [String: String]
        /// Absolute working directory, or `nil` for the server's current directory.
        public var workingDirectory: String?
        /// Deadline in seconds from the start; `0`, negative or non-finite means no deadline.
        public var timeoutSeconds: Double
        /// How many bytes of the end of the combined output to keep.
        public var outputLimitBytes: Int

        /// - Parameters: see the properties; `timeoutSeconds` in seconds, `outputLimitBytes` in bytes.
        public init(
            executable: String, arguments: [String] = [], environment: [String: String],
            workingDirectory: String? = nil, timeoutSeconds: Double, outputLimitBytes: Int = 64 * 1024
        ) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.workingDirectory = workingDirectory
            self.timeoutSeconds = timeoutSeconds
            self.outputLimitBytes = outputLimitBytes
        }
    }

    /// The exit code reported when the deadline passed (the convention of coreutils' `timeout`).
    public static let timeoutExitCode: Int32 = 124

    /// Seconds between `SIGTERM` and `SIGKILL` when the process group is torn down.
    public var terminationGraceSeconds: Double

    /// - Parameter terminationGraceSeconds: seconds between `SIGTERM` and `SIGKILL` at teardown.
    public init(terminationGraceSeconds: Double = 2) {
        self.terminationGraceSeconds = terminationGraceSeconds
    }

    /// Runs `invocation` and waits for it to end or for its deadline.
    ///
    /// A non-zero exit code is a result, not an error.
    /// - Parameter onStart: called once the process runs, with its pid (also its process group id).
    /// - Returns: the exit code (`124` on timeout), the output tail, and the duration in seconds.
    /// - Throws: ``SandboxError/commandFailedToStart(_:)`` when the process cannot be started
    ///   (executable not found, working directory missing, …) or its output cannot be read;
    ///   `CancellationError` when the calling task was cancelled (the process group is killed first).
    public func run(_ invocation: Invocation, onStart: (@Sendable (Int32) -> Void)? = nil) async throws -> CommandResult {
        let clock = ContinuousClock()
        let start = clock.now
        let grace = Duration.seconds(max(0, terminationGraceSeconds))
        let teardownSteps: [TeardownStep] = [
            .send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: grace)
        ]
        var platformOptions = PlatformOptions()
        // A new session makes the shell the leader of its own process group, so signals sent to the
        // group reach every process it starts, and never the server itself.
        platformOptions.createSession = true
        platformOptions.teardownSequence = teardownSteps  // used by swift-subprocess on cancellation

        let deadline: Duration? =
            invocation.timeoutSeconds.isFinite && invocation.timeoutSeconds > 0
            ? .seconds(invocation.timeoutSeconds) : nil
        let timedOut = TimeoutFlag()
        let limit = invocation.outputLimitBytes

        let executable: Executable =
            invocation.executable.contains("/")
            ? .path(FilePath(invocation.executable)) : .name(invocation.executable)
        var environment: [Environment.Key: String] = [:]
        for (key, value) in invocation.environment {
            guard let key = Environment.Key(rawValue: key) else { continue }
            environment[key] = value
        }

        let outcome: ExecutionResult<OutputTail, SequenceOutput, CombinedErrorOutput>
        do {
            outcome = try await Subprocess.run(
                executable,
                arguments: Arguments(invocation.arguments),
                environment: .custom(environment),
                workingDirectory: invocation.workingDirectory.map { FilePath($0) },
                platformOptions: platformOptions,
                input: .none,
                output: .sequence,
                error: .combinedWithOutput
            ) { execution in
                onStart?(execution.processIdentifier.value)
                return try await withThrowingTaskGroup(of: Void.self, returning: OutputTail.self) { group in
                    if let deadline {
                        group.addTask {
                            try await Task.sleep(for: deadline)
                            timedOut.set()
                            await execution.teardown(using: teardownSteps)
                        }
                    }
                    var tail = OutputTail(limit: limit)
                    // Ends at end-of-file, or when the main process ends even though a background
                    // child still holds the pipe (swift-subprocess then cancels the read).
                    for try await chunk in execution.standardOutput {
                        chunk.withUnsafeBytes { tail.append($0) }
                    }
                    // The output may be closed while the process still runs: keep the deadline armed
                    // until it ends. The pid stays valid (unreaped) for as long as this closure runs.
                    let pid = execution.processIdentifier.value
                    while !Self.hasExited(pid) {
                        await Self.uncancellableSleep(.milliseconds(20))
                    }
                    group.cancelAll()
                    // Nothing started by the command outlives it.
                    _ = kill(-pid, SIGKILL)
                    return tail
                }
            }
        } catch let error as SubprocessError {
            throw SandboxError.commandFailedToStart(Self.describe(error, invocation))
        }
        if Task.isCancelled {
            throw CancellationError()
        }
        let tail = outcome.closureResult
        let exitCode: Int32
        let didTimeOut = timedOut.isSet
        if didTimeOut {
            exitCode = Self.timeoutExitCode
        } else {
            switch outcome.terminationStatus {
            case .exited(let code): exitCode = Int32(truncatingIfNeeded: code)
            case .signaled(let signal): exitCode = 128 + Int32(truncatingIfNeeded: signal)
            }
        }
        let elapsed = clock.now - start
        return CommandResult(
            exitCode: exitCode,
            output: tail.text,
            outputTruncated: tail.isTruncated,
            timedOut: didTimeOut,
            durationSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        )
    }

    /// Whether the child `pid` has ended, without reaping it (swift-subprocess reaps it later).
    private static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        let rc = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        if rc != 0 { return errno != EINTR }  // ECHILD: nothing left to wait for
        #if canImport(Darwin)
        return info.si_pid == pid
        #else
        return info._sifields._sigchld.si_pid == pid
        #endif
    }

    /// Sleeps even when the current task is cancelled (so a poll loop cannot spin).
    private static func uncancellableSleep(_ duration: Duration) async {
        await Task.detached { try? await Task.sleep(for: duration) }.value
    }

    private static func describe(_ error: SubprocessError, _ invocation: Invocation) -> String {
        if error.code == .executableNotFound {
            return "\(invocation.executable): executable not found"
        }
        if error.code == .failedToChangeWorkingDirectory {
            return "working directory \(invocation.workingDirectory ?? "") is not usable"
        }
        return "\(invocation.executable): \(error)"
    }
}

/// Set once by the deadline task, read after the process ended.
private final class TimeoutFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
