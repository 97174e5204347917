import Foundation

/// Finds `bwrap` and checks once that it can actually build a sandbox here (user namespaces may be
/// switched off, or a container may forbid them).
public enum BubblewrapProbe {
    /// The first executable `bwrap` in `searchPath` (a `PATH` value), then in `/usr/bin` and `/bin`;
    /// `nil` when there is none.
    public static func locate(searchPath: String?) -> String? {
        let directories = (searchPath ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/bin"]
        return directories.map { "\($0)/bwrap" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The first executable `prlimit` (util-linux) in the same places, or `nil`.
    public static func locatePrlimit(searchPath: String?) -> String? {
        let directories = (searchPath ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/bin"]
        return directories.map { "\($0)/prlimit" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `/bin/sh -c true` through `bwrap` with exactly the namespaces and mounts of `settings`.
    /// - Returns: `nil` when it worked, else why not (one line, from bwrap's own message).
    public static func check(_ settings: BubblewrapSettings) -> String? {
        let command = BubblewrapCommand(settings: settings, sandboxDirectories: [], workingDirectory: "/")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: settings.executable)
        process.arguments = command.arguments(executable: "/bin/sh", ["-c", "true"])
        process.environment = ["PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return "\(settings.executable) cannot be started (\(error.localizedDescription))"
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 0 { return nil }
        let line = output.split(separator: "\n").first.map(String.init) ?? "exit code \(process.terminationStatus)"
        return "\(settings.executable) does not work here: \(line) (if a command or /bin/sh is missing, check sandbox.local.read_only_paths: a list there replaces the defaults, which include /usr, /bin and /lib)"
    }
}
