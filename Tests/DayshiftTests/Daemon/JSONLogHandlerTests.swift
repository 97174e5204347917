import DayshiftServer
import Foundation
import Logging
import Synchronization
import Testing

/// JSON log lines: each one parses as a JSON object with the documented fields.
@Suite("JSON logs")
struct JSONLogHandlerTests {
    /// Collects what a ``JSONLogHandler`` writes.
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }

        func logger(at date: Date = Date(timeIntervalSince1970: 1_000_000_000.25)) -> Logger {
            var logger = Logger(label: "test") { _ in JSONLogHandler(metadataProvider: nil, sink: { line in self.lines.withLock { $0.append(line) } }, now: { date }) }
            logger.logLevel = .trace
            return logger
        }

        /// Every line, checked to end in exactly one newline and parsed as a JSON object.
        func objects() throws -> [[String: Any]] {
            try all.map { line in
                #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
                return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            }
        }
    }

    @Test("time (RFC 3339, UTC, ms), level, message and the issue, run, step and delivery fields")
    func fields() throws {
        let lines = Lines()
        var logger = lines.logger()
        logger[metadataKey: "issue"] = "octo/hello#42"
        logger.info("step finished", metadata: ["run": "17", "step": "clone", "delivery": "8f0c", "duration_ms": "\(35)"])
        logger.warning("second")
        let objects = try lines.objects()
        #expect(objects.count == 2)
        let first = try #require(objects.first)
        #expect(first["time"] as? String == "2001-09-09T01:46:40.250Z")
        #expect(first["level"] as? String == "info")
        #expect(first["message"] as? String == "step finished")
        #expect(first["issue"] as? String == "octo/hello#42")
        #expect(first["run"] as? String == "17")
        #expect(first["step"] as? String == "clone")
        #expect(first["delivery"] as? String == "8f0c")
        #expect(first["duration_ms"] as? String == "35")
        #expect(objects.last?["level"] as? String == "warning")
        #expect(objects.last?["issue"] as? String == "octo/hello#42")
    }

    @Test("a value full of quotes, newlines, control characters and a secret-looking string stays inside its field")
    func hostileValues() throws {
        let lines = Lines()
        let secretLooking = "ghp_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let hostile = "\"}, \"level\": \"critical\"\n{\"x\":\\ \u{01}\u{1F} \u{2028} é 🚀 token=\(secretLooking)"
        lines.logger().error("message with \"quotes\"\nand a second line", metadata: ["note": "\(hostile)", "message": "shadow"])
        let object = try #require(try lines.objects().first)
        #expect(object["note"] as? String == hostile)
        #expect(object["level"] as? String == "error")
        #expect(object["message"] as? String == "message with \"quotes\"\nand a second line")
        #expect(object["metadata.message"] as? String == "shadow")
    }

    @Test("lists and dictionaries stay structured")
    func structured() throws {
        let lines = Lines()
        lines.logger().debug("nested", metadata: ["labels": ["a", "b"], "limits": ["memory_mib": "8192", "names": ["x"]]])
        let object = try #require(try lines.objects().first)
        #expect(object["labels"] as? [String] == ["a", "b"])
        let limits = try #require(object["limits"] as? [String: Any])
        #expect(limits["memory_mib"] as? String == "8192")
        #expect(limits["names"] as? [String] == ["x"])
    }

    @Test("milliseconds are three digits and the date is UTC", arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"), (0.007, "1970-01-01T00:00:00.007Z"), (1_798_761_599.999, "2026-12-31T23:59:59.999Z"),
    ])
    func timestamps(seconds: Double, expected: String) throws {
        let lines = Lines()
        lines.logger(at: Date(timeIntervalSince1970: seconds)).notice("tick")
        #expect(try lines.objects().first?["time"] as? String == expected)
    }
}
