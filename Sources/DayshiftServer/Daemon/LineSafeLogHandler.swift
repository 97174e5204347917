import Logging

/// Wraps a line-oriented handler (swift-log's `StreamLogHandler`, the `text` format) so that one log
/// event is always one line: control characters in the message, the error and every metadata value
/// (line feeds, carriage returns, escape sequences, other C0/C1 controls, bidirectional overrides)
/// are written as `\n`, `\r`, `\t` or `\u{…}` escapes, and a backslash as `\\`, so an escape in the
/// log always means an escaped character. A metadata value holding a space, `=` or `"` is written in
/// double quotes, so it cannot pose as further `key=value` fields. Text a webhook or an agent supplied can then
/// neither forge a log line nor recolour a terminal.
///
/// The wrapper owns the level, the logger's metadata and the metadata provider; the wrapped handler
/// receives already-escaped metadata with each event.
public struct LineSafeLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private var wrapped: any LogHandler

    /// - Parameters:
    ///   - wrapped: the handler that writes lines; its own metadata provider should be `nil`.
    ///   - metadataProvider: merged into every event before escaping.
    public init(wrapping wrapped: any LogHandler, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.wrapped = wrapped
        self.wrapped.logLevel = .trace
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let fields = mergedMetadata(event)
        var safe = event
        safe.message = Logger.Message(stringLiteral: Self.escaped(event.message.description))
        if let error = event.error { safe.error = EscapedError(description: Self.escaped(String(describing: error))) }
        safe.metadata = fields.isEmpty ? nil : fields.mapValues(Self.escaped)
        wrapped.log(event: safe)
    }

    /// `value` with strings escaped, lists and dictionaries escaped element by element.
    static func escaped(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(quotedIfNeeded(escaped(text)))
        case .stringConvertible(let convertible): .string(quotedIfNeeded(escaped(convertible.description)))
        case .array(let values): .array(values.map(escaped))
        case .dictionary(let fields): .dictionary(fields.mapValues(escaped))
        }
    }

    /// `text` in double quotes (inner quotes escaped) when it holds a space, `=` or `"`.
    static func quotedIfNeeded(_ text: String) -> String {
        guard text.contains(where: { $0 == " " || $0 == "=" || $0 == "\"" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// `text` with every control and bidirectional-formatting scalar replaced by an escape.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0) || $0 == "\\" }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where needsEscape(scalar): result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }

    /// An error whose description was escaped.
    private struct EscapedError: Error, CustomStringConvertible {
        let description: String
    }
}
