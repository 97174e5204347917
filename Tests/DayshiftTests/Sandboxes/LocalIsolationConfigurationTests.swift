import DayshiftConfig
import Foundation
import Sandboxes
import Testing

@testable import DayshiftServer

@Suite("sandbox.local isolation settings")
struct LocalIsolationConfigurationTests {
    @Test func keysAreReadWithTheirDefaults() throws {
        let defaults = try DayshiftConfiguration.parse(yaml: "", environment: [:]).sandbox.local
        #expect(defaults.isolation == nil)
        #expect(defaults.network == "host")
        #expect(defaults.readOnlyPaths == BubblewrapSettings.defaultReadOnlyPaths)
        #expect(defaults.hiddenPaths == BubblewrapSettings.defaultHiddenPaths)
        #expect(ResourceLimits() == ResourceLimits(memoryBytes: defaults.memoryMiB << 20, processes: defaults.processes,
                                                   openFiles: defaults.openFiles, fileSizeBytes: defaults.fileSizeMiB << 20))
        let local = try DayshiftConfiguration.parse(yaml: """
            sandbox:
              local:
                isolation: none
                read_only_paths: [/usr, /srv/toolchain]
                writable_paths: [/srv/git/remote.git]
                network: none
                limits: {memory_mib: 512, processes: 64, open_files: 128, file_size_mib: 0}
            """, environment: [:]).sandbox.local
        #expect(local.isolation == "none" && local.network == "none")
        #expect(local.readOnlyPaths == ["/usr", "/srv/toolchain"] && local.writablePaths == ["/srv/git/remote.git"])
        #expect(local.memoryMiB == 512 && local.processes == 64 && local.openFiles == 128 && local.fileSizeMiB == 0)
        let fromEnvironment = try DayshiftConfiguration.parse(yaml: "", environment: ["DAYSHIFT_SANDBOX_ISOLATION": "bubblewrap"])
        #expect(fromEnvironment.sandbox.local.isolation == "bubblewrap")
    }

    @Test(arguments: [
        ("sandbox: {local: {isolation: docker}}", "config: sandbox.local.isolation: expected bubblewrap or none"),
        ("sandbox: {local: {network: bridge}}", "config: sandbox.local.network: expected host or none"),
        ("sandbox: {local: {read_only_paths: [usr]}}", "config: sandbox.local.read_only_paths: expected absolute paths"),
        ("sandbox: {local: {limits: {cpus: 2}}}", "config: sandbox.local.limits.cpus: unknown key"),
        ("sandbox: {local: {limits: {processes: -1}}}", "config: sandbox.local.limits.processes: expected an integer"),
    ])
    func badValuesNameTheirKey(yaml: String, message: String) {
        #expect {
            _ = try DayshiftConfiguration.parse(yaml: yaml, environment: [:])
        } throws: { error in
            "\(error)".hasPrefix(message) && !"\(error)".contains("\n")
        }
    }

    @Test func theConfigurationFileAndSecretFilesAreRecordedForHiding() throws {
        let directory = try LocalSandboxFixture.makeTemporaryDirectory()
        defer { LocalSandboxFixture.removeTree(directory) }
        let secret = directory.appendingPathComponent("webhook-secret")
        try Data("s".utf8).write(to: secret)
        let file = directory.appendingPathComponent("dayshift.yaml")
        try Data("data_dir: \(directory.path)/data\nwebhook: {secret_file: \(secret.path)}\n".utf8).write(to: file)
        let configuration = try DayshiftConfiguration.load(file: file.path, environment: [:])
        let protected = LocalIsolationResolver.protectedPaths(configuration)
        #expect(protected.contains(file.path) && protected.contains(secret.path) && protected.contains("\(directory.path)/data"))
    }

    @Test(.enabled(if: IsolationFixture.available, IsolationFixture.unavailableReason))
    func explicitBubblewrapThatCannotWorkFailsNamingTheKey() throws {
        var configuration = DayshiftConfiguration()
        configuration.sandbox.local.isolation = "bubblewrap"
        configuration.sandbox.local.readOnlyPaths = []  // no /bin/sh in the sandbox: the start check fails
        #expect {
            _ = try LocalIsolationResolver.resolve(configuration, searchPath: ProcessInfo.processInfo.environment["PATH"])
        } throws: { error in
            "\(error)".hasPrefix("config: sandbox.local.isolation: ") && !"\(error)".contains("\n")
        }
        configuration.sandbox.local.isolation = nil  // the default falls back to none instead
        #expect(try LocalIsolationResolver.resolve(configuration, searchPath: nil) == .none)
        configuration.sandbox.local.readOnlyPaths = LocalSandboxSettings.defaultReadOnlyPaths
        #expect(try LocalIsolationResolver.resolve(configuration, searchPath: nil).name == "bubblewrap")
    }
}
