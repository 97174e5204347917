import Foundation
import Sandboxes
import Testing

@testable import DayshiftServer

@Suite("Startup warnings about sandbox isolation")
struct StartupWarningsTests {
    @Test func isolationNoneWarnsOnceSayingWhatItExposes() {
        let warnings = StartupWarnings.sandbox(isolation: LocalIsolation.none, cgroups: .unavailable, runningAsRoot: false)
        #expect(warnings.count == 1)
        let line = warnings.first ?? ""
        #expect(line.contains("sandbox.local.isolation is none"))
        #expect(line.contains("GitHub token") && line.contains("database"))
        #expect(!line.contains("\n"))
    }

    @Test func otherProvidersAndAFullyEnforcedBubblewrapSayNothing() {
        #expect(StartupWarnings.sandbox(isolation: nil, cgroups: .unavailable, runningAsRoot: true).isEmpty)
        let cgroups = CgroupSupport(pidsParent: "/sys/fs/cgroup/pids", memoryParent: "/sys/fs/cgroup/memory")
        let settings = BubblewrapSettings(executable: "/usr/bin/bwrap")
        #expect(StartupWarnings.sandbox(isolation: .bubblewrap(settings), cgroups: cgroups, runningAsRoot: true).isEmpty)
    }

    @Test func unenforceableLimitsAreNamed() {
        let settings = BubblewrapSettings(executable: "/usr/bin/bwrap")
        let asRoot = StartupWarnings.sandbox(isolation: .bubblewrap(settings), cgroups: .unavailable, runningAsRoot: true)
        #expect(asRoot.contains { $0.contains("sandbox.local.limits.processes") })
        #expect(asRoot.contains { $0.contains("sandbox.local.limits.memory_mib") })
        let asUser = StartupWarnings.sandbox(isolation: .bubblewrap(settings), cgroups: .unavailable, runningAsRoot: false)
        #expect(!asUser.contains { $0.contains("sandbox.local.limits.processes") })
    }
}
