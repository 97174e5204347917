import ServiceLifecycle

/// Runs beside the emulator's HTTP server in its `ServiceGroup`: when graceful shutdown begins,
/// it kills the commands still running and stops the state-machine timers
/// (``DaytonaEmulatorState/cancelRunningWork()``), so that requests in flight (a long
/// `POST /process/execute`, a sync session exec) end and the server can drain.
///
/// List it **after** the server: a `ServiceGroup` shuts its services down in reverse order.
public struct DaytonaEmulatorWorkService: Service {
    let state: DaytonaEmulatorState

    /// - Parameter state: the state whose work to cancel.
    public init(state: DaytonaEmulatorState) {
        self.state = state
    }

    /// Waits for graceful shutdown, then cancels the running work.
    public func run() async throws {
        // Returns when graceful shutdown starts, throws when the group is cancelled instead.
        try? await gracefulShutdown()
        await state.cancelRunningWork()
    }
}
