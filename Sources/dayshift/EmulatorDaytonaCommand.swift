import ArgumentParser
import Emulators
import Foundation
import Logging

/// `dayshift emulator daytona`: the Daytona API emulator, standalone.
struct DaytonaEmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daytona",
        abstract: "Emulate Daytona's sandbox API and toolbox, backed by local directories.",
        discussion: """
        Once listening, prints two lines to standard output:
          DAYTONA_API_URL=http://HOST:PORT/api
          DAYTONA_TOOLBOX_URL=http://HOST:PORT/toolbox
        Point a Daytona client at the first with the --api-key value (any bearer token when none is set).
        Commands run as this process's user, without isolation. Faults are JSON-encoded, e.g.
        --fault '{"toolboxBadGateway":{"count":1}}'; change them at run time with POST/DELETE /_emulator/faults.
        Stops gracefully on SIGTERM or SIGINT.
        """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 9091

    @Option(help: "The only bearer token accepted (default: any).")
    var apiKey: String?

    @Option(name: .customLong("fault"), help: "A fault active from the start, as JSON (repeatable).")
    var faults: [String] = []

    @Option(help: "Directory for the sandboxes' files (default: a temporary directory, removed at exit).")
    var sandboxRoot: String?

    @Option(name: .customLong("snapshot"), help: "An extra snapshot name to accept, with 1 vCPU / 1 GiB / 3 GiB (repeatable).")
    var snapshots: [String] = []

    @Flag(help: "Accept any snapshot name instead of answering 400.")
    var acceptAnySnapshot = false

    @Option(help: "trace, debug, info, notice, warning, error or critical (default: DAYSHIFT_LOG_LEVEL, else info).")
    var logLevel: Logger.Level?

    func run() async throws {
        var decoded: [DaytonaFault] = []
        for text in faults {
            guard let fault = try? JSONDecoder().decode(DaytonaFault.self, from: Data(text.utf8)) else {
                throw ValidationError("--fault \(text) is not a JSON-encoded fault, e.g. {\"createStuckInCreating\":{}}")
            }
            decoded.append(fault)
        }
        let logger = try LoggingSetup.bootstrap(level: logLevel)
        var configuration = DaytonaEmulatorConfiguration(acceptsUnknownSnapshots: acceptAnySnapshot)
        for name in snapshots where !configuration.snapshots.contains(where: { $0.name == name }) {
            configuration.snapshots.append(DaytonaEmulatedSnapshot(name: name, imageName: name, cpu: 1, memory: 1, disk: 3))
        }
        let state = DaytonaEmulatorState(
            configuration: configuration, faults: decoded,
            sandboxRoot: sandboxRoot.map { URL(fileURLWithPath: $0, isDirectory: true) }, logger: logger)
        let host = host
        try await DaytonaEmulator.run(state: state, host: host, port: port, apiKey: apiKey, logger: logger) { port in
            let base = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
            FileHandle.standardOutput.write(Data("DAYTONA_API_URL=\(base)/api\nDAYTONA_TOOLBOX_URL=\(base)/toolbox\n".utf8))
            logger.info("Daytona emulator listening", metadata: ["api": "\(base)/api", "toolbox": "\(base)/toolbox"])
        }
    }
}
