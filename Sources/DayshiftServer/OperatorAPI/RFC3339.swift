import DayshiftCore
import Foundation

extension JSONValue {
    /// `value` as an RFC 3339 UTC time with milliseconds (`2026-12-02T17:40:00.123Z`), or `null`.
    static func time(_ value: Date?) -> JSONValue { value.map { .string(RFC3339.format($0)) } ?? .null }
}

/// RFC 3339 times as the operator API writes and reads them.
enum RFC3339 {
    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Parses `2026-12-02T17:40:00Z`, with or without fractional seconds, with `Z` or an offset.
    static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}
