import DayshiftCore
import Foundation

/// JSON encoding/decoding used by every emulator response.
enum GitHubEmulatorJSON {
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding JSONValue / plain Codable structs cannot fail.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    /// GitHub timestamps: ISO 8601, UTC, whole seconds (`2011-04-14T16:00:49Z`).
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }
}
