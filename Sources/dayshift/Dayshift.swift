import ArgumentParser

/// `dayshift`: the command line.
@main
struct Dayshift: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dayshift",
        abstract: "Turns GitHub issues into tested pull requests.",
        subcommands: [ServeCommand.self, DemoCommand.self, EmulatorCommand.self]
    )
}
