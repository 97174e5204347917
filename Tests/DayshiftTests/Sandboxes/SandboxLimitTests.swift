import Foundation
import Sandboxes
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A command that runs into `sandbox.local.limits.*` ends with a clear result, and the sandbox
/// (and the server) carry on.
@Suite("Bubblewrap resource limits", .enabled(if: IsolationFixture.available, IsolationFixture.unavailableReason),
       .timeLimit(.minutes(2)))
struct SandboxLimitTests {
    /// Without a pids cgroup, root is exempt from RLIMIT_NPROC: nothing can stop a fork bomb then.
    static let processLimitEnforceable = IsolationFixture.cgroups.pidsParent != nil || geteuid() != 0

    @Test("a fork bomb ends at the deadline with the process limit named, and the next command works",
          .enabled(if: processLimitEnforceable, "no writable pids cgroup and running as root: RLIMIT_NPROC does not apply"))
    func forkBomb() async throws {
        let limits = ResourceLimits(memoryBytes: 512 << 20, processes: 64, openFiles: 256, fileSizeBytes: 64 << 20)
        try await IsolationFixture.withProvider(limits: limits) { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "bomb", labels: [:]))
            let marker = "bomb-\(UUID().uuidString.prefix(8))"
            let start = Date()
            // At the lowest priority, so the bomb's 64 processes do not starve the tests running beside it.
            let result = try await provider.execute(
                in: sandbox.id, SandboxCommand("exec nice -n 19 bash -c 'bomb() { bomb | bomb & }; bomb; wait # \(marker)'", timeoutSeconds: 5))
            #expect(Date().timeIntervalSince(start) < 30)
            #expect(result.exitCode != 0)
            #expect(result.output.contains("sandbox.local.limits.processes (64 processes)"), "\(result.output.suffix(500))")
            // Nothing of the bomb is left on the host (every fork carries the marker in its command line).
            #expect(await IsolationFixture.waitUntilNoProcess(containing: marker))
            let next = try await provider.execute(in: sandbox.id, SandboxCommand("echo still here"))
            #expect(next.exitCode == 0 && next.output == "still here\n", "\(next.output)")
        }
    }

    @Test("a 10 GB file stops at the file size limit, the disk keeps its space, and the next command works")
    func hugeFile() async throws {
        let limits = ResourceLimits(memoryBytes: 512 << 20, processes: 256, openFiles: 256, fileSizeBytes: 64 << 20)
        try await IsolationFixture.withProvider(limits: limits) { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "big", labels: [:]))
            let start = Date()
            let result = try await provider.execute(
                in: sandbox.id, SandboxCommand("head -c 10G /dev/zero > big.bin", timeoutSeconds: 60))
            #expect(Date().timeIntervalSince(start) < 30)
            #expect(result.exitCode == 128 + SIGXFSZ, "\(result.output)")
            #expect(result.output.contains("sandbox.local.limits.file_size_mib (64 MiB)"), "\(result.output)")
            let size = try FileManager.default.attributesOfItem(
                atPath: URL(fileURLWithPath: sandbox.homeDirectory).appendingPathComponent("big.bin").path)[.size] as? Int
            #expect((size ?? .max) <= 64 << 20)
            // The private /tmp is held to the same size.
            let tmp = try await provider.execute(in: sandbox.id, SandboxCommand("head -c 10G /dev/zero > /tmp/big.bin", timeoutSeconds: 60))
            #expect(tmp.exitCode != 0, "\(tmp.output)")
            let next = try await provider.execute(in: sandbox.id, SandboxCommand("rm big.bin && echo still here"))
            #expect(next.exitCode == 0 && next.output == "still here\n", "\(next.output)")
        }
    }

    @Test("a command that allocates past the memory limit fails, and the next command works")
    func memory() async throws {
        let limits = ResourceLimits(memoryBytes: 128 << 20, processes: 256, openFiles: 256, fileSizeBytes: 64 << 20)
        try await IsolationFixture.withProvider(limits: limits) { provider, _ in
            let sandbox = try await provider.create(SandboxCreateRequest(name: "memory", labels: [:]))
            let result = try await provider.execute(
                in: sandbox.id, SandboxCommand("python3 -c 'b = bytearray(1 << 30); print(len(b))'", timeoutSeconds: 60))
            #expect(result.exitCode != 0, "\(result.output)")
            if IsolationFixture.cgroups.memoryParent != nil {
                #expect(result.output.contains("sandbox.local.limits.memory_mib (128 MiB)"), "\(result.output)")
            } else {
                #expect(result.output.contains("MemoryError"), "\(result.output)")
            }
            let next = try await provider.execute(in: sandbox.id, SandboxCommand("echo still here"))
            #expect(next.exitCode == 0 && next.output == "still here\n", "\(next.output)")
        }
    }
}
