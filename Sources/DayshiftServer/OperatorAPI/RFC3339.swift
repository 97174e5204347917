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
    /// Returns `nil` for anything else, and for fields out of range that a lenient parser would roll
    /// over into another date: year 10000, month 13, February 30, hour 24, minute or second 60, an
    /// offset of 24 hours or more.
    static func parse(_ text: String) -> Date? {
        guard fieldsAreInRange(text) else { return nil }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    private static func fieldsAreInRange(_ text: String) -> Bool {
        let pattern = #/^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/#
        guard let match = text.wholeMatch(of: pattern),
              let year = Int(match.1), let month = Int(match.2), let day = Int(match.3),
              let hour = Int(match.4), let minute = Int(match.5), let second = Int(match.6) else { return false }
        guard (1...12).contains(month), hour < 24, minute < 60, second < 60 else { return false }
        if let offsetHours = match.7.flatMap({ Int($0) }), let offsetMinutes = match.8.flatMap({ Int($0) }) {
            guard offsetHours < 24, offsetMinutes < 60 else { return false }
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }
}
