import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes each log event as one JSON object on one line (JSON Lines), for journald, Docker and
/// log shippers:
///
/// ```json
/// {"time":"2026-12-02T14:35:07.123Z","level":"info","message":"delivery stored","source":"DayshiftServer","delivery":"8f0…","event":"issues.labeled"}
/// ```
///
/// - `time`: RFC 3339 in UTC with milliseconds; `level`: `trace` … `critical`; `message`; `source`:
///   the Swift module that logged; `error`: the error attached to the event, if any.
/// - then every metadata field (the logger's, the metadata provider's, the event's), `issue`,
///   `run`, `step` and `delivery` among them: strings as strings, lists as arrays, dictionaries as
///   objects. A metadata key that collides with a field above is written as `metadata.<key>`.
///
/// Values are escaped, never interpreted: whatever a field holds stays inside that field.
public struct JSONLogHandler: LogHandler {
    /// Receives one complete line, newline included.
    public typealias Sink = @Sendable (String) -> Void

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let sink: Sink
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - sink: where lines go; default standard error, one `write(2)` per line.
    ///   - now: the clock (tests fix it).
    public init(metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
                sink: @escaping Sink = JSONLogHandler.standardError, now: @escaping @Sendable () -> Date = { Date() }) {
        self.metadataProvider = metadataProvider
        self.sink = sink
        self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let fields = mergedMetadata(event)
        var line = "{\"time\":\(Self.quoted(Self.timestamp(now())))"
        line += ",\"level\":\(Self.quoted(event.level.rawValue))"
        line += ",\"message\":\(Self.quoted(event.message.description))"
        line += ",\"source\":\(Self.quoted(event.source))"
        if let error = event.error { line += ",\"error\":\(Self.quoted(String(describing: error)))" }
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            let name = Self.reserved.contains(key) ? "metadata.\(key)" : key
            line += ",\(Self.quoted(name)):\(Self.json(value))"
        }
        line += "}\n"
        sink(line)
    }

    /// Field names the handler writes itself.
    static let reserved: Set<String> = ["time", "level", "message", "source", "error"]

    /// Writes `line` to standard error in one call.
    public static let standardError: Sink = { line in
        Array(line.utf8).withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    /// `2026-12-02T14:35:07.123Z`: RFC 3339, UTC, milliseconds.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fraction = Int(milliseconds % 1000)
        let millis = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millis)Z"
    }

    static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text):
            return quoted(text)
        case .stringConvertible(let convertible):
            return quoted(convertible.description)
        case .array(let values):
            return "[" + values.map { json($0) }.joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            return "{" + dictionary.sorted { $0.key < $1.key }.map { "\(quoted($0.key)):\(json($0.value))" }.joined(separator: ",") + "}"
        }
    }

    /// `text` as a JSON string literal (RFC 8259: quote, backslash and control characters escaped).
    static func quoted(_ text: String) -> String {
        // Most values need no escaping: then the text is copied as it is, without a pass per scalar.
        // (0xE2 leads the UTF-8 of U+2028 and U+2029, which the slow path escapes.)
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0xE2 }) {
            return "\"" + text + "\""
        }
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

extension LogHandler {
    /// The fields one event is written with: the handler's metadata, then the metadata provider's,
    /// then the event's own (a later source wins a key).
    func mergedMetadata(_ event: LogEvent) -> Logger.Metadata {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let own = event.metadata { fields.merge(own) { _, new in new } }
        return fields
    }
}
