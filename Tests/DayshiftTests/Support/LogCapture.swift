import Foundation
import Logging
import Synchronization

/// Keeps every log line (message and metadata, as text) a server wrote, so a test can search them.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// A logger at `level` that records into this capture.
    func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "test") { label in Handler(capture: self, label: label) }
        logger.logLevel = level
        return logger
    }

    /// A handler that records into this capture, for wrapping in another handler.
    func handler(label: String = "test") -> any LogHandler { Handler(capture: self, label: label) }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        let label: String
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.append("\(event.level) \(event.message) \(fields) \(event.source)")
        }
    }
}
