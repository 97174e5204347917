import ArgumentParser
import Foundation
import Logging

/// Sends logs to standard error at `level` (`DAYSHIFT_LOG_LEVEL` when not given), once per process.
enum LoggingSetup {
    static func bootstrap(level: Logger.Level?) -> Logger {
        let environmentLevel = ProcessInfo.processInfo.environment["DAYSHIFT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        let chosen = level ?? environmentLevel ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = chosen
            return handler
        }
        var logger = Logger(label: "dayshift")
        logger.logLevel = chosen
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
