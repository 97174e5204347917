import DayshiftConfig
import DayshiftServer
import Logging
import Testing

/// Which level and format a process logs with, and which values are refused.
@Suite("Log settings")
struct LogSettingsTests {
    @Test("DAYSHIFT_LOG_LEVEL=verbose is refused in one line naming the variable, as --log-level verbose is")
    func unknownLevel() {
        for option in [nil, Logger.Level.debug] {
            let error = #expect(throws: ConfigurationError.self) {
                try LogSettings(level: option, format: nil, environment: ["DAYSHIFT_LOG_LEVEL": "verbose"], standardErrorIsTerminal: false)
            }
            #expect(error?.key == "DAYSHIFT_LOG_LEVEL")
            #expect(error?.description.contains("\"verbose\"") == true)
            #expect(error?.description.contains("\n") == false)
        }
    }

    @Test("DAYSHIFT_LOG_FORMAT accepts json and text only")
    func unknownFormat() throws {
        #expect(throws: ConfigurationError(key: "DAYSHIFT_LOG_FORMAT", problem: "expected one of json, text; got \"xml\"")) {
            try LogSettings(level: nil, format: nil, environment: ["DAYSHIFT_LOG_FORMAT": "xml"], standardErrorIsTerminal: true)
        }
        #expect(try LogSettings(level: nil, format: nil, environment: ["DAYSHIFT_LOG_FORMAT": "text"], standardErrorIsTerminal: false).format == .text)
    }

    @Test("the text format writes one line per event: newlines, escapes and bidi overrides in any field are escaped")
    func textLinesCannotBeForged() throws {
        #expect(try LogSettings(level: nil, format: .text, environment: [:], standardErrorIsTerminal: true).makeHandler(label: "t") is LineSafeLogHandler)
        let capture = LogCapture()
        var logger = Logger(label: "t") { _ in LineSafeLogHandler(wrapping: capture.handler(), metadataProvider: nil) }
        logger.logLevel = .trace
        logger[metadataKey: "issue"] = "octo/hello#1"
        let forged = "title\n2026-12-03T00:00:00+0000 critical dayshift : operator token=abc\r\u{1B}[31m\u{202E}"
        logger.warning("\(forged)", metadata: ["comment": .string(forged), "list": .array([.string("a\nb")])])
        let text = capture.text
        #expect(!text.contains("\n"), "one event is one line: \(text)")
        #expect(!text.contains("\r") && !text.contains("\u{1B}") && !text.contains("\u{202E}"))
        #expect(text.contains("title\\n2026-12-03"))
        #expect(text.contains("\\u{1b}[31m") && text.contains("\\u{202e}"))
        #expect(text.contains("list=") && text.contains("issue=octo/hello#1"), "\(text)")
        #expect(LineSafeLogHandler.escaped("plain ascii, ünïcode ✓") == "plain ascii, ünïcode ✓")
        // A literal backslash-n is not an escaped line break, and a value cannot pose as more fields.
        #expect(LineSafeLogHandler.escaped("a\\nb") == "a\\\\nb")
        let fields = LogCapture()
        let fieldLogger = Logger(label: "t") { _ in LineSafeLogHandler(wrapping: fields.handler(), metadataProvider: nil) }
        fieldLogger.info("trigger", metadata: ["reason": "by evil reason=forged disposition=ignored", "plain": "octo"])
        #expect(fields.text.contains(#"reason="by evil reason=forged disposition=ignored""#), "\(fields.text)")
        #expect(fields.text.contains("plain=octo"), "\(fields.text)")
    }

    @Test("text on a terminal, JSON otherwise; options win over variables")
    func defaults() throws {
        #expect(try LogSettings(level: nil, format: nil, environment: [:], standardErrorIsTerminal: true) == LogSettings.expected(.info, .text))
        #expect(try LogSettings(level: nil, format: nil, environment: [:], standardErrorIsTerminal: false) == LogSettings.expected(.info, .json))
        let environment = ["DAYSHIFT_LOG_LEVEL": "debug", "DAYSHIFT_LOG_FORMAT": "json"]
        #expect(try LogSettings(level: nil, format: nil, environment: environment, standardErrorIsTerminal: true) == LogSettings.expected(.debug, .json))
        #expect(try LogSettings(level: .error, format: .text, environment: environment, standardErrorIsTerminal: false) == LogSettings.expected(.error, .text))
    }
}

extension LogSettings {
    static func expected(_ level: Logger.Level, _ format: LogFormat) throws -> LogSettings {
        try LogSettings(level: level, format: format, environment: [:], standardErrorIsTerminal: false)
    }
}
