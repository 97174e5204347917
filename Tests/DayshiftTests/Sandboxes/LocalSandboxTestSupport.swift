import Foundation
import Logging
import Sandboxes
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers for the local sandbox tests: temporary roots, host commands, git fixtures.
enum LocalSandboxFixture {
    static let quietLogger = Logger(label: "dayshift.tests.local-sandbox") { _ in SwiftLogNoOpLogHandler() }

    /// Runs `body` with a provider on a fresh temporary root, removed afterwards.
    static func withProvider<T>(
        cloneTimeoutSeconds: Double = 60,
        _ body: (LocalSandboxProvider, URL) async throws -> T
    ) async throws -> T {
        let root = try makeTemporaryDirectory()
        defer { removeTree(root) }
        let provider = LocalSandboxProvider(
            rootDirectory: root.appendingPathComponent("sandboxes"), logger: quietLogger,
            cloneTimeoutSeconds: cloneTimeoutSeconds)
        return try await body(provider, root)
    }

    static func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("dayshift-local-sandbox-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func removeTree(_ url: URL) {
        _ = try? runHost("/bin/chmod", ["-R", "u+w", url.path], in: nil)
        try? FileManager.default.removeItem(at: url)
    }

    /// Runs a host command synchronously enough for fixtures; fails the test on a non-zero exit.
    @discardableResult
    static func runHost(_ executable: String, _ arguments: [String], in directory: URL?) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError.commandFailed("\(executable) \(arguments.joined(separator: " ")): \(output)")
        }
        return output
    }

    static func git(_ arguments: [String], in directory: URL) throws {
        try runHost("/usr/bin/env", ["git", "-c", "user.name=t", "-c", "user.email=t@t"] + arguments, in: directory)
    }

    /// A bare repository at `<parent>/remote.git` whose `main` has `README.md` ("main\n") and whose
    /// `feature` branch also has `feature.txt` ("feature\n").
    static func makeBareRepository(in parent: URL) throws -> URL {
        let work = parent.appendingPathComponent("work", isDirectory: true)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try git(["init", "-q", "-b", "main"], in: work)
        try Data("main\n".utf8).write(to: work.appendingPathComponent("README.md"))
        try git(["add", "README.md"], in: work)
        try git(["commit", "-q", "-m", "initial"], in: work)
        try git(["checkout", "-q", "-b", "feature"], in: work)
        try Data("feature\n".utf8).write(to: work.appendingPathComponent("feature.txt"))
        try git(["add", "feature.txt"], in: work)
        try git(["commit", "-q", "-m", "feature"], in: work)
        try git(["checkout", "-q", "main"], in: work)
        let bare = parent.appendingPathComponent("remote.git", isDirectory: true)
        try git(["clone", "-q", "--bare", work.path, bare.path], in: parent)
        return bare
    }

    /// Whether `pid` is a live (not zombie) process.
    static func isAlive(_ pid: pid_t) -> Bool {
        #if os(Linux)
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        // Field 3, after the parenthesised command name.
        guard let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
        #else
        return kill(pid, 0) == 0
        #endif
    }

    /// Polls until `pid` is gone, up to `seconds`.
    static func waitUntilDead(_ pid: pid_t, seconds: Double = 30) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !isAlive(pid) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return !isAlive(pid)
    }

    enum FixtureError: Error {
        case commandFailed(String)
    }
}
