import ArgumentParser
import DayshiftServer

/// `dayshift`: the command line.
@main
struct Dayshift: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dayshift",
        abstract: "Turns GitHub issues into tested pull requests.",
        version: DayshiftVersion.current,
        subcommands: [ServeCommand.self, MigrateCommand.self, DoctorCommand.self, DeliverCommand.self, DemoCommand.self, EmulatorCommand.self]
    )
}
