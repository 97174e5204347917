import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Remembers which host process groups run commands of a sandbox, so that commands left running by
/// a server that crashed are stopped before the next command in that sandbox.
///
/// Layout: `<root>/<id>/processes/<pid>`, one file per running command, named after its host
/// process group id (the group leader's pid) and holding `<server pid> <server start> <leader start>`
/// (start times in clock ticks since boot, `/proc/<pid>/stat` field 22, so a reused pid is never
/// mistaken for the original). The directory is outside the sandbox's home and tmp, so an isolated
/// command can neither see nor forge it.
struct LocalProcessRecords: Sendable {
    let store: LocalSandboxStore

    private func directory(_ id: String) -> URL {
        store.directory(of: id).appendingPathComponent("processes", isDirectory: true)
    }

    /// Records that process group `pid` runs a command of sandbox `id` for this server.
    func record(_ pid: pid_t, sandbox id: String) {
        guard let leaderStart = Self.startTime(pid), let serverStart = Self.startTime(getpid()) else { return }
        try? FileManager.default.createDirectory(at: directory(id), withIntermediateDirectories: true)
        let text = "\(getpid()) \(serverStart) \(leaderStart)\n"
        try? Data(text.utf8).write(to: directory(id).appendingPathComponent(String(pid)))
    }

    /// Forgets process group `pid` (its command has ended).
    func remove(_ pid: pid_t, sandbox id: String) {
        try? FileManager.default.removeItem(at: directory(id).appendingPathComponent(String(pid)))
    }

    /// Kills (`SIGKILL`) the process groups recorded by a server that is no longer running, and
    /// forgets them. Groups of a live server (this one included) are left alone.
    /// - Returns: how many groups were killed.
    @discardableResult
    func killOrphans(sandbox id: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory(id).path)) ?? []
        var killed = 0
        for name in names {
            let file = directory(id).appendingPathComponent(name)
            guard let pid = pid_t(name), pid > 1,
                let text = try? String(contentsOf: file, encoding: .utf8)
            else {
                try? FileManager.default.removeItem(at: file)
                continue
            }
            let fields = text.split(whereSeparator: \.isWhitespace).compactMap { UInt64($0) }
            guard fields.count == 3 else {
                try? FileManager.default.removeItem(at: file)
                continue
            }
            let serverAlive = Self.startTime(pid_t(truncatingIfNeeded: fields[0])) == fields[1]
            if serverAlive { continue }
            if Self.startTime(pid) == fields[2], kill(-pid, SIGKILL) == 0 { killed += 1 }
            try? FileManager.default.removeItem(at: file)
        }
        return killed
    }

    /// The start time of `pid` in clock ticks since boot, or `nil` when there is no such process.
    static func startTime(_ pid: pid_t) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm)": field 3 (state) is index 0, so field 22 is index 19.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
