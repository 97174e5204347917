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

    @Test("a hidden path that shows through a visible symlinked directory is hidden there too")
    func hiddenThroughVisibleSymlink() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-visible-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let real = directory.appendingPathComponent("srv")
        try FileManager.default.createDirectory(at: real.appendingPathComponent("data"), withIntermediateDirectories: true)
        let link = directory.appendingPathComponent("opt-link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        let hidden = LocalIsolationResolver.hiddenPaths(visible: [link.path, "/usr"], hidden: [real.appendingPathComponent("data").path])
        #expect(hidden.contains(link.path + "/data"))
        #expect(hidden.count == 2)
    }

    @Test("every secret file (App key, model keys, DAYSHIFT_*_FILE) and a symlinked data_dir's target are hidden")
    func everySecretFileAndSymlinkTargetAreHidden() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-protect-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let real = directory.appendingPathComponent("real-data")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("data"), withDestinationURL: real)
        var files: [String: URL] = [:]
        for name in ["app.pem", "anthropic.key", "env.pem"] {
            let url = directory.appendingPathComponent(name)
            try Data("-----BEGIN PRIVATE KEY-----\nx\n".utf8).write(to: url)
            files[name] = url
        }
        let yaml = """
            data_dir: \(directory.path)/data
            github: {app_id: "1", private_key_file: \(files["app.pem"]!.path)}
            llm: {anthropic: {api_key_file: \(files["anthropic.key"]!.path)}}
            """
        let configuration = try DayshiftConfiguration.parse(yaml: yaml, environment: ["DAYSHIFT_GITHUB_PRIVATE_KEY_FILE": files["env.pem"]!.path])
        let protected = LocalIsolationResolver.protectedPaths(configuration)
        for url in files.values { #expect(protected.contains(url.path), "\(url.lastPathComponent) is hidden") }
        #expect(protected.contains(real.resolvingSymlinksInPath().path), "the symlinked data_dir's target is hidden")
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
        configuration.sandbox.local.isolation = nil  // the default fails closed too, and says how to opt out
        #expect {
            _ = try LocalIsolationResolver.resolve(configuration, searchPath: nil)
        } throws: { error in
            "\(error)".contains("sandbox.local.isolation: none")
        }
        configuration.sandbox.local.isolation = "none"
        #expect(try LocalIsolationResolver.resolve(configuration, searchPath: nil) == .none)
        configuration.sandbox.local.isolation = nil
        configuration.sandbox.local.readOnlyPaths = LocalSandboxSettings.defaultReadOnlyPaths
        #expect(try LocalIsolationResolver.resolve(configuration, searchPath: nil).name == "bubblewrap")
    }
}
