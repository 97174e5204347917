import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns one sandbox command into the host process that runs it isolated, and explains afterwards
/// when it ran into a limit.
///
/// The host process, outermost first (each part only when needed):
/// `/bin/sh -c 'echo $$ > <cgroup.procs>…; exec "$@"'` (joins the command's control groups, see
/// ``CommandCgroups``) → `prlimit --nofile=… --fsize=… [--as=…] [--nproc=…] --` → `bwrap …` (see
/// ``BubblewrapCommand``) → the command. Each `exec`s the next, so the whole chain is one process
/// (the leader of the process group `ProcessRunner` kills) until `bwrap` forks the sandbox.
struct IsolatedLauncher: Sendable {
    let settings: BubblewrapSettings
    let cgroups: CgroupSupport
    /// Absolute path of `prlimit` (util-linux), or `nil` when it is missing (rlimits are then not set).
    let prlimit: String?

    init(settings: BubblewrapSettings, cgroups: CgroupSupport, prlimit: String?) {
        self.settings = settings
        self.cgroups = cgroups
        self.prlimit = prlimit
    }

    /// The invocation that runs `executable arguments` in the sandbox whose read-write directories
    /// are `sandboxDirectories`, and the control groups made for it (remove them with
    /// ``finish(_:groups:)``).
    func prepare(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String,
        sandboxDirectories: [String], timeoutSeconds: Double, outputLimitBytes: Int
    ) -> (ProcessRunner.Invocation, CommandCgroups) {
        let groups = CommandCgroups(support: cgroups, limits: settings.limits)
        let bubblewrap = BubblewrapCommand(
            settings: settings, sandboxDirectories: sandboxDirectories, workingDirectory: workingDirectory)
        var command = [settings.executable] + bubblewrap.arguments(executable: executable, arguments)
        let rlimits = rlimitOptions(groups)
        if let prlimit, !rlimits.isEmpty {
            command = [prlimit] + rlimits + ["--"] + command
        }
        if !groups.procsFiles.isEmpty {
            let joins = groups.procsFiles.indices.map { "echo $$ > \"$\($0 + 1)\"" }.joined(separator: " && ")
            let script = """
                \(joins) || { echo "dayshift: cannot join the command's control group" >&2; exit 125; }; \
                shift \(groups.procsFiles.count); exec "$@"
                """
            command = ["/bin/sh", "-c", script, "dayshift-sandbox"] + groups.procsFiles + command
        }
        let invocation = ProcessRunner.Invocation(
            executable: command[0], arguments: Array(command.dropFirst()), environment: environment,
            workingDirectory: workingDirectory, timeoutSeconds: timeoutSeconds, outputLimitBytes: outputLimitBytes)
        return (invocation, groups)
    }

    /// `result` with a line per limit the command ran into (and a non-zero exit code when it had
    /// exited 0 regardless); removes the control groups.
    func finish(_ result: CommandResult, groups: CommandCgroups) async -> CommandResult {
        let limits = settings.limits
        var notes: [String] = []
        if groups.processLimitHits > 0 {
            notes.append(
                "dayshift: the command reached sandbox.local.limits.processes (\(limits.processes) processes); "
                    + "\(groups.processLimitHits) attempts to start another were refused")
        }
        if groups.memoryLimitKills > 0 {
            notes.append(
                "dayshift: the command reached sandbox.local.limits.memory_mib (\(limits.memoryBytes >> 20) MiB); "
                    + "the kernel killed \(groups.memoryLimitKills) process(es)")
        }
        if limits.fileSizeBytes > 0, result.exitCode == 128 + SIGXFSZ {
            notes.append(
                "dayshift: a file reached sandbox.local.limits.file_size_mib (\(limits.fileSizeBytes >> 20) MiB); "
                    + "the writer was stopped")
        }
        await groups.remove()
        guard !notes.isEmpty else { return result }
        var annotated = result
        if !annotated.output.isEmpty, !annotated.output.hasSuffix("\n") { annotated.output += "\n" }
        annotated.output += notes.joined(separator: "\n") + "\n"
        if annotated.exitCode == 0 { annotated.exitCode = 1 }
        return annotated
    }

    private func rlimitOptions(_ groups: CommandCgroups) -> [String] {
        let limits = settings.limits
        var options: [String] = []
        if limits.openFiles > 0 { options.append("--nofile=\(limits.openFiles)") }
        if limits.fileSizeBytes > 0 { options.append("--fsize=\(limits.fileSizeBytes)") }
        if limits.memoryBytes > 0, !groups.coversMemory { options.append("--as=\(limits.memoryBytes)") }
        if limits.processes > 0, !groups.coversProcesses { options.append("--nproc=\(limits.processes)") }
        return options
    }
}
