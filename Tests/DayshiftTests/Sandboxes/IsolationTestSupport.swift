import Foundation
import Logging
import Sandboxes
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Helpers for the bubblewrap tests: a provider isolating its commands, and host-side checks.
enum IsolationFixture {
    /// `bwrap`, when it exists and can build a sandbox here; `nil` otherwise (the tests then skip,
    /// saying why).
    static let bwrap: String? = {
        guard let path = BubblewrapProbe.locate(searchPath: ProcessInfo.processInfo.environment["PATH"]) else { return nil }
        return BubblewrapProbe.check(BubblewrapSettings(executable: path)) == nil ? path : nil
    }()

    static var available: Bool { bwrap != nil }
    static let unavailableReason: Comment = "bwrap is not installed or cannot create namespaces here (scripts/install-system-packages installs it)"

    /// Runs `body` with a bubblewrap provider rooted at `<directory>/data/sandboxes`, where
    /// `directory` is a fresh temporary directory (removed afterwards).
    static func withProvider<T>(
        limits: ResourceLimits = ResourceLimits(), network: SandboxNetwork = .host,
        directory: URL? = nil, hiddenPaths: [String] = [], readOnlyPaths: [String] = [],
        _ body: (LocalSandboxProvider, URL) async throws -> T
    ) async throws -> T {
        let bwrap = try #require(bwrap)
        let root = try directory ?? LocalSandboxFixture.makeTemporaryDirectory()
        defer { LocalSandboxFixture.removeTree(root) }
        let settings = BubblewrapSettings(
            executable: bwrap, readOnlyPaths: BubblewrapSettings.defaultReadOnlyPaths + readOnlyPaths,
            hiddenPaths: BubblewrapSettings.defaultHiddenPaths + hiddenPaths + [root.appendingPathComponent("data").path],
            network: network, limits: limits)
        let provider = LocalSandboxProvider(
            rootDirectory: root.appendingPathComponent("data/sandboxes"), logger: LocalSandboxFixture.quietLogger,
            isolation: .bubblewrap(settings), cgroups: cgroups)
        return try await body(provider, root)
    }

    /// Detected once for the whole test run.
    static let cgroups = CgroupSupport.detect()

    /// Host pids whose command line contains `marker`.
    static func hostProcesses(containing marker: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(marker)
        }
    }

    /// Polls until no host process has `marker` in its command line, up to `seconds`.
    static func waitUntilNoProcess(containing marker: String, seconds: Double = 30) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if hostProcesses(containing: marker).isEmpty { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return hostProcesses(containing: marker).isEmpty
    }

    /// A `sleep` duration that no other process on the machine uses, e.g. `37.4821`, to find the
    /// command's processes from the host.
    static func uniqueSleep() -> String {
        "\(Int.random(in: 200...290)).\(Int.random(in: 1000...9999))"
    }
}
