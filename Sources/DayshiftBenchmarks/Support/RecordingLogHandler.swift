import Foundation
import Logging
import Synchronization

/// A log handler that writes nothing and keeps a monotonic timestamp of the journal's
/// `step started` / `step succeeded` / `step failed` lines, with their `run` and `step` metadata:
/// the journal's own commit points, at nanosecond resolution (the stored dates have 1 ms).
final class LogRecorder: Sendable {
    struct Event: Sendable {
        var nanos: UInt64
        var message: String
        var run: String
        var step: String
    }

    static let watched: Set<String> = ["step started", "step succeeded", "step failed"]
    let events = Mutex<[Event]>([])
    let lines = Atomic<Int>(0)

    func logger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "dayshift-bench") { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = level
        return logger
    }

    func snapshot() -> [Event] { events.withLock { $0 } }
    func clear() { events.withLock { $0.removeAll() } }
}

struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let now = monotonicNanos()
        recorder.lines.add(1, ordering: .relaxed)
        let message = event.message.description
        guard LogRecorder.watched.contains(message) else { return }
        let run = event.metadata?["run"] ?? metadata["run"]
        let step = event.metadata?["step"] ?? metadata["step"]
        recorder.events.withLock {
            $0.append(.init(nanos: now, message: message, run: run.map { "\($0)" } ?? "?", step: step.map { "\($0)" } ?? "?"))
        }
    }
}
