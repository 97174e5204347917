import DayshiftConfig
import Logging

/// How log lines are written: `json` (``JSONLogHandler``, one object per line) or `text`
/// (swift-log's `StreamLogHandler` behind ``LineSafeLogHandler``, for a person at a terminal).
public enum LogFormat: String, Sendable, CaseIterable {
    case json, text
}

/// The log level and format of a `dayshift` process, from its options and environment:
///
/// | setting | option | variable | default |
/// |---|---|---|---|
/// | level | `--log-level` | `DAYSHIFT_LOG_LEVEL` | `info` |
/// | format | `--log-format` | `DAYSHIFT_LOG_FORMAT` | `text` when standard error is a terminal, else `json` |
///
/// An option wins over its variable; a variable holding an unknown value is refused even then,
/// as `--log-level verbose` is.
public struct LogSettings: Sendable, Equatable {
    public var level: Logger.Level
    public var format: LogFormat

    /// - Parameters:
    ///   - level, format: the command-line options, if given.
    ///   - environment: the process environment.
    ///   - standardErrorIsTerminal: whether standard error is a terminal (`isatty(2)`).
    /// - Throws: ``ConfigurationError`` naming `DAYSHIFT_LOG_LEVEL` or `DAYSHIFT_LOG_FORMAT` with the accepted values.
    public init(level: Logger.Level?, format: LogFormat?, environment: [String: String], standardErrorIsTerminal: Bool) throws {
        let environmentLevel = try Self.parse("DAYSHIFT_LOG_LEVEL", environment, Logger.Level.allCases.map(\.rawValue))
            .flatMap(Logger.Level.init(rawValue:))
        let environmentFormat = try Self.parse("DAYSHIFT_LOG_FORMAT", environment, LogFormat.allCases.map(\.rawValue))
            .flatMap(LogFormat.init(rawValue:))
        self.level = level ?? environmentLevel ?? .info
        self.format = format ?? environmentFormat ?? (standardErrorIsTerminal ? .text : .json)
    }

    /// A handler for a logger labelled `label`, at ``level``, writing to standard error.
    public func makeHandler(label: String) -> any LogHandler {
        var handler: any LogHandler = switch format {
        case .json: JSONLogHandler()
        case .text: LineSafeLogHandler(wrapping: StreamLogHandler.standardError(label: label, metadataProvider: nil))
        }
        handler.logLevel = level
        return handler
    }

    private static func parse(_ name: String, _ environment: [String: String], _ accepted: [String]) throws -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        guard accepted.contains(value) else {
            throw ConfigurationError(key: name, problem: "expected one of \(accepted.joined(separator: ", ")); got \"\(value)\"")
        }
        return value
    }
}
