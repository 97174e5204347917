import ArgumentParser
import DayshiftServer
import Foundation
import Logging

/// Sends logs to standard error, once per process, at the level and in the format ``LogSettings``
/// chooses from the options and `DAYSHIFT_LOG_LEVEL` / `DAYSHIFT_LOG_FORMAT`.
enum LoggingSetup {
    /// - Throws: `ExitCode(2)` after one line naming the variable when `DAYSHIFT_LOG_LEVEL` or
    ///   `DAYSHIFT_LOG_FORMAT` holds an unknown value.
    static func bootstrap(level: Logger.Level?, format: LogFormat? = nil) throws -> Logger {
        let settings: LogSettings
        do {
            settings = try LogSettings(level: level, format: format, environment: ProcessInfo.processInfo.environment,
                                       standardErrorIsTerminal: isatty(STDERR_FILENO) == 1)
        } catch {
            FileHandle.standardError.write(Data("dayshift: \(error)\n".utf8))
            throw ExitCode(2)
        }
        LoggingSystem.bootstrap(settings.makeHandler(label:))
        var logger = Logger(label: "dayshift")
        logger.logLevel = settings.level
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}
