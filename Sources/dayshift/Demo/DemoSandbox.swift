import ArgumentParser

/// `dayshift demo --sandbox`: which sandbox provider the demo uses.
enum DemoSandbox: String, ExpressibleByArgument, CaseIterable {
    /// The embedded local runner (the default).
    case local
    /// Dayshift's Daytona REST client against the in-repo Daytona emulator.
    case daytonaEmulator = "daytona-emulator"
}
