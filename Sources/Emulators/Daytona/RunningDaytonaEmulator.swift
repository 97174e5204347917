import Foundation

/// A Daytona emulator serving in the background, as returned by
/// ``DaytonaEmulator/start(host:port:state:apiKey:sandboxRoot:logger:)``.
public final class RunningDaytonaEmulator: Sendable {
    /// `http://host:port`, no trailing slash.
    public let baseURL: URL
    /// The state behind the emulator: inspect it, inject faults.
    public let state: DaytonaEmulatorState
    private let stopServer: @Sendable () async -> Void

    init(baseURL: URL, state: DaytonaEmulatorState, stopServer: @escaping @Sendable () async -> Void) {
        self.baseURL = baseURL
        self.state = state
        self.stopServer = stopServer
    }

    /// `http://host:port/api`: the main-API base URL (`DaytonaConfig(api_url=…)`).
    public var apiURL: URL { baseURL.appending(path: "api") }

    /// `http://host:port/toolbox`: every sandbox's `toolboxProxyUrl`; append `/{sandboxId}`.
    public var toolboxURL: URL { baseURL.appending(path: "toolbox") }

    /// The bound port.
    public var port: Int { baseURL.port ?? 0 }

    /// Shuts the server down gracefully (in-flight requests finish), then stops the state's
    /// timers and commands and removes its temporary sandbox root. Safe to call more than once.
    public func stop() async {
        await stopServer()
        await state.shutdown()
    }
}
