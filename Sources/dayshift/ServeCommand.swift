import ArgumentParser
import DayshiftConfig
import DayshiftServer
import Foundation
import Hummingbird
import Logging

/// `dayshift serve`: the long-running server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server: webhooks in, pull requests out.",
        discussion: "Reads --config (or DAYSHIFT_CONFIG), then DAYSHIFT_* environment variables. Stops gracefully on SIGTERM or SIGINT."
    )

    @Option(help: "YAML configuration file (default: DAYSHIFT_CONFIG, else built-in defaults).")
    var config: String?

    @Option(help: "Address to listen on (overrides server.host).")
    var host: String?

    @Option(help: "Port to listen on (overrides server.port).")
    var port: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical (default: DAYSHIFT_LOG_LEVEL, else info).")
    var logLevel: Logger.Level?

    @Option(help: "json (one object per line) or text (default: DAYSHIFT_LOG_FORMAT, else text on a terminal and json otherwise).")
    var logFormat: LogFormat?

    func run() async throws {
        var configuration = try loadConfiguration(file: config)
        if let host { configuration.server.host = host }
        if let port {
            guard (0...65535).contains(port) else { throw ValidationError("--port: expected 0 to 65535, got \(port)") }
            configuration.server.port = port
        }
        let logger = try LoggingSetup.bootstrap(level: logLevel, format: logFormat)
        do {
            try configuration.checkServeRequirements()
            // SIGTERM and SIGINT start the graceful shutdown; only `serve` listens for them.
            let store = try await StoreOpening.open(configuration, logger: logger)
            var application = try buildApplication(configuration: configuration, store: store, logger: logger)
            application.checksAgentAtStart = true
            try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("dayshift: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// Loads the configuration, or prints its one-line error and exits 2.
func loadConfiguration(file: String?) throws -> DayshiftConfiguration {
    do {
        return try DayshiftConfiguration.load(file: file, environment: ProcessInfo.processInfo.environment)
    } catch let error as ConfigurationError {
        FileHandle.standardError.write(Data("dayshift: \(error)\n".utf8))
        throw ExitCode(2)
    }
}
