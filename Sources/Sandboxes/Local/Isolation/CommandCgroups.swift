import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where per-command control groups can be made: one for the `pids` controller and one for
/// `memory`, each next to (below) the server's own group.
///
/// Detected once (``detect()``) by creating and removing a probe group: cgroup v1 per-controller
/// hierarchies (`/sys/fs/cgroup/pids/<own group>`, `/sys/fs/cgroup/memory/<own group>`) or the
/// cgroup v2 unified hierarchy (`/sys/fs/cgroup/<own group>`, which needs the controllers enabled in
/// its `cgroup.subtree_control`, e.g. a systemd unit with `Delegate=yes`). A controller whose probe
/// fails is `nil`; its limit then falls back to an rlimit (see ``ResourceLimits``).
public struct CgroupSupport: Sendable, Equatable {
    /// Parent directory for per-command `pids` groups, or `nil`.
    public var pidsParent: String?
    /// Parent directory for per-command `memory` groups, or `nil`.
    public var memoryParent: String?
    /// Whether the memory parent is cgroup v2 (`memory.max`, `memory.events`) rather than v1.
    public var memoryIsV2: Bool

    public init(pidsParent: String? = nil, memoryParent: String? = nil, memoryIsV2: Bool = false) {
        self.pidsParent = pidsParent
        self.memoryParent = memoryParent
        self.memoryIsV2 = memoryIsV2
    }

    /// Nothing available.
    public static let unavailable = CgroupSupport()

    /// Probes `/sys/fs/cgroup` as described above.
    public static func detect(root: String = "/sys/fs/cgroup") -> CgroupSupport {
        let own = ownGroups()
        var support = CgroupSupport()
        if FileManager.default.fileExists(atPath: "\(root)/pids/cgroup.procs"), let path = own["pids"] {
            support.pidsParent = probe(SandboxPathResolver.normalize("\(root)/pids/\(path)"), needs: "pids.max")
        }
        if FileManager.default.fileExists(atPath: "\(root)/memory/cgroup.procs"), let path = own["memory"] {
            support.memoryParent = probe(SandboxPathResolver.normalize("\(root)/memory/\(path)"), needs: "memory.limit_in_bytes")
        }
        if FileManager.default.fileExists(atPath: "\(root)/cgroup.controllers"), let path = own[""] {
            let parent = SandboxPathResolver.normalize("\(root)/\(path)")
            if support.pidsParent == nil { support.pidsParent = probe(parent, needs: "pids.max") }
            if support.memoryParent == nil, let found = probe(parent, needs: "memory.max") {
                support.memoryParent = found
                support.memoryIsV2 = true
            }
        }
        return support
    }

    /// Controller name (`""` for the v2 hierarchy) → the server's group path, from `/proc/self/cgroup`.
    static func ownGroups() -> [String: String] {
        guard let text = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else { return [:] }
        var groups: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            for controller in parts[1].split(separator: ",", omittingEmptySubsequences: false) {
                groups[String(controller)] = String(parts[2])
            }
        }
        return groups
    }

    /// `parent` when a child group made in it offers `needs` and can be removed again.
    private static func probe(_ parent: String, needs file: String) -> String? {
        let child = "\(parent)/dayshift-probe-\(UUID().uuidString.lowercased())"
        guard mkdir(child, 0o755) == 0 else { return nil }
        defer { _ = rmdir(child) }
        return access("\(child)/\(file)", W_OK) == 0 && access("\(child)/cgroup.procs", W_OK) == 0 ? parent : nil
    }
}

/// The control groups of one running command: made before it starts, read and removed after.
struct CommandCgroups {
    /// `cgroup.procs` files the command's first process writes its pid into.
    let procsFiles: [String]
    private let pidsGroup: String?
    private let memoryGroup: String?
    private let memoryIsV2: Bool

    /// Makes the groups `limits` needs; a group that cannot be made is left out (the caller falls
    /// back to rlimits for it, see ``coversProcesses`` and ``coversMemory``).
    init(support: CgroupSupport, limits: ResourceLimits) {
        let name = "dayshift-\(UUID().uuidString.lowercased())"
        var pidsGroup: String?
        if limits.processes > 0, let parent = support.pidsParent {
            let group = "\(parent)/\(name)"
            if mkdir(group, 0o755) == 0, Self.writeValue(String(limits.processes), to: "\(group)/pids.max") {
                pidsGroup = group
            } else {
                _ = rmdir(group)
            }
        }
        var memoryGroup: String?
        if limits.memoryBytes > 0, let parent = support.memoryParent {
            let group = "\(parent)/\(name)"
            let value = String(limits.memoryBytes)
            var made = mkdir(group, 0o755) == 0
            if made, support.memoryIsV2 {
                made = Self.writeValue(value, to: "\(group)/memory.max")
                _ = Self.writeValue("0", to: "\(group)/memory.swap.max")
            } else if made {
                made = Self.writeValue(value, to: "\(group)/memory.limit_in_bytes")
                _ = Self.writeValue(value, to: "\(group)/memory.memsw.limit_in_bytes")
            }
            if made { memoryGroup = group } else { _ = rmdir(group) }
        }
        self.pidsGroup = pidsGroup
        self.memoryGroup = memoryGroup
        self.memoryIsV2 = support.memoryIsV2
        procsFiles = [pidsGroup, memoryGroup].compactMap { $0.map { "\($0)/cgroup.procs" } }
    }

    var coversProcesses: Bool { pidsGroup != nil }
    var coversMemory: Bool { memoryGroup != nil }

    /// How often a fork was refused because the process limit was reached.
    var processLimitHits: Int {
        pidsGroup.flatMap { Self.counter("max", in: "\($0)/pids.events") } ?? 0
    }

    /// How many processes the kernel killed because the memory limit was reached.
    var memoryLimitKills: Int {
        guard let memoryGroup else { return 0 }
        let file = memoryIsV2 ? "memory.events" : "memory.oom_control"
        return Self.counter("oom_kill", in: "\(memoryGroup)/\(file)") ?? 0
    }

    /// Kills whatever is still in the groups (`SIGKILL`), then removes them, retrying for up to 2 s
    /// while the kernel reaps the last processes.
    func remove() async {
        for group in [pidsGroup, memoryGroup].compactMap({ $0 }) {
            for attempt in 0..<100 {
                let text = (try? String(contentsOfFile: "\(group)/cgroup.procs", encoding: .utf8)) ?? ""
                for pid in text.split(separator: "\n").compactMap({ pid_t($0) }) where pid > 1 {
                    _ = kill(pid, SIGKILL)
                }
                if rmdir(group) == 0 || errno == ENOENT || attempt == 99 { break }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    private static func writeValue(_ value: String, to file: String) -> Bool {
        let fd = open(file, O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(value.utf8)
        return write(fd, bytes, bytes.count) == bytes.count
    }

    /// The number after `key ` in a flat-keyed cgroup file (`max 3`, `oom_kill 1`).
    private static func counter(_ key: String, in file: String) -> Int? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == key { return Int(parts[1]) }
        }
        return nil
    }
}
