import DayshiftConfig
import DayshiftServer
import Foundation
import Logging

/// A whole Dayshift application that reaches nothing outside: GitHub and Daytona point at a
/// closed loopback port (runs that start fail at once), the data directory is the test's own,
/// and nothing is logged below critical. For tests of routes, intake, readiness and services.
enum OfflineApplication {
    /// The configuration: `data_dir` = `directory`, a random webhook secret, port 0, GitHub and
    /// Daytona at `127.0.0.1:9`.
    static func configuration(in directory: TestDirectory) -> DayshiftConfiguration {
        var configuration = DayshiftConfiguration()
        configuration.dataDirectory = directory.path
        configuration.webhook.secret = "offline-\(UUID().uuidString)"
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        configuration.github.apiURL = "http://127.0.0.1:9"
        configuration.sandbox.provider = "daytona"
        configuration.sandbox.daytona.apiURL = "http://127.0.0.1:9/api"
        configuration.sandbox.daytona.apiKey = "offline-daytona-key"
        return configuration
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// `buildApplication` with `configuration`, logging only critical lines unless given a logger.
    static func build(_ configuration: DayshiftConfiguration, logger: Logger? = nil) throws -> DayshiftApplication {
        try buildApplication(configuration: configuration, logger: logger ?? quietLogger, environment: [:])
    }
}
