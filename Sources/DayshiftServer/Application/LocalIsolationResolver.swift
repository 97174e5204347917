import DayshiftConfig
import Foundation
import Sandboxes

/// Turns `sandbox.local.*` into the local runner's ``LocalIsolation``, checking `bwrap` once.
enum LocalIsolationResolver {
    /// - Parameters:
    ///   - searchPath: where to look for `bwrap` and `prlimit` (the server's `PATH`).
    /// - Returns: bubblewrap when configured (or not configured and `bwrap` is installed here), else none.
    /// - Throws: ``ConfigurationError`` for `sandbox.local.isolation` when bubblewrap is configured
    ///   but `bwrap` is missing, or when `bwrap` is installed but cannot build a sandbox here (unless
    ///   `isolation: none` says to run without it).
    static func resolve(_ configuration: DayshiftConfiguration, searchPath: String?) throws -> LocalIsolation {
        let local = configuration.sandbox.local
        if local.isolation == "none" { return .none }
        let explicit = local.isolation == "bubblewrap"
        guard let executable = BubblewrapProbe.locate(searchPath: searchPath) else {
            if explicit {
                throw ConfigurationError(
                    key: "sandbox.local.isolation",
                    problem: "bubblewrap is configured but bwrap is not installed (Debian: apt-get install bubblewrap)")
            }
            return .none
        }
        let settings = BubblewrapSettings(
            executable: executable, readOnlyPaths: local.readOnlyPaths, writablePaths: local.writablePaths,
            hiddenPaths: hiddenPaths(visible: local.readOnlyPaths + local.writablePaths, hidden: local.hiddenPaths + protectedPaths(configuration)),
            network: SandboxNetwork(rawValue: local.network) ?? .host,
            limits: ResourceLimits(
                memoryBytes: local.memoryMiB << 20, processes: local.processes, openFiles: local.openFiles,
                fileSizeBytes: local.fileSizeMiB << 20))
        if let problem = BubblewrapProbe.check(settings) {
            // Installed but broken (e.g. user namespaces restricted): fail closed rather than run
            // untrusted code unisolated without anyone having chosen that.
            let advice = explicit ? "" : "; set sandbox.local.isolation: none to run sandboxes without isolation"
            throw ConfigurationError(key: "sandbox.local.isolation", problem: problem + advice)
        }
        return .bubblewrap(settings)
    }

    /// `hidden`, plus where each hidden path shows through a visible path that is a symlink: with
    /// `/opt/dayshift -> /srv/dayshift` visible and `/srv/dayshift/data` hidden, `/opt/dayshift/data`
    /// is hidden too.
    static func hiddenPaths(visible: [String], hidden: [String]) -> [String] {
        var result = hidden
        for path in visible {
            let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            guard resolved != path else { continue }
            for secret in hidden {
                let target = URL(fileURLWithPath: secret).resolvingSymlinksInPath().path
                if target == resolved || target.hasPrefix(resolved + "/") {
                    result.append(path + target.dropFirst(resolved.count))
                }
            }
        }
        return result
    }

    /// `data_dir`, the sandbox root and the files the configuration came from, as absolute paths:
    /// never visible in a sandbox, even when a read-only path contains them.
    static func protectedPaths(_ configuration: DayshiftConfiguration) -> [String] {
        let current = FileManager.default.currentDirectoryPath
        let paths = [configuration.dataDirectory] + (configuration.sandbox.localRoot.map { [$0] } ?? []) + configuration.sourceFiles
        let absolute = paths.map { $0.hasPrefix("/") ? $0 : current + "/" + $0 }.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        // Hidden as given and as resolved: a symlinked data_dir or key file must not show through its target.
        let resolved = absolute.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
        var seen = Set<String>()
        return (absolute + resolved).filter { seen.insert($0).inserted }
    }
}
