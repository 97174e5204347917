import ArgumentParser
import DayshiftConfig
import DayshiftServer
import Foundation
import Logging

/// `dayshift doctor`: checks a configuration before `serve` runs it.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the configuration, database, secrets, GitHub, sandboxes and agent; one verdict per line.",
        discussion: """
        Reads the same --config file and DAYSHIFT_* variables as serve. Prints one line per check
        ("ok", "note" or "FAIL", then what was checked and what was found; secrets only as "set")
        and exits 1 when any check fails. It asks GitHub who the credentials belong to (GET /app
        for an App, GET /rate_limit for a token), lists Dayshift's sandboxes (Daytona: checks the
        API key), and creates one sandbox to look for the agent command's executable, then deletes it.
        The database is opened read-only; nothing is migrated. With the local runner, data_dir is
        created (0700) when missing, as serve would, to hold that sandbox.
        """
    )

    @Option(help: "YAML configuration file (default: DAYSHIFT_CONFIG, else built-in defaults).")
    var config: String?

    func run() async throws {
        let configuration: DayshiftConfiguration
        do {
            configuration = try DayshiftConfiguration.load(file: config, environment: ProcessInfo.processInfo.environment)
            print(Doctor.Verdict(level: .ok, subject: "configuration", detail: config ?? ProcessInfo.processInfo.environment["DAYSHIFT_CONFIG"] ?? "built-in defaults and DAYSHIFT_* variables"))
        } catch {
            print(Doctor.Verdict(level: .fail, subject: "configuration", detail: "\(error)"))
            throw ExitCode(1)
        }
        var logger = Logger(label: "dayshift.doctor")
        logger.logLevel = .critical
        let verdicts = await Doctor(configuration: configuration, logger: logger).run()
        for verdict in verdicts { print(verdict) }
        if verdicts.contains(where: { $0.level == .fail }) { throw ExitCode(1) }
    }
}
