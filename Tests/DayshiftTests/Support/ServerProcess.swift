import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The real `dayshift` binary run as a child process (`dayshift serve`), so that tests can kill it
/// the way an operator's machine would (SIGKILL, an exiting fail point) and start it again.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let logFile: URL

    /// The built `dayshift` executable: `DAYSHIFT_BINARY`, else next to the test bundle.
    static var binary: URL {
        get throws {
            if let path = ProcessInfo.processInfo.environment["DAYSHIFT_BINARY"] { return URL(fileURLWithPath: path) }
            var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            while directory.path != "/" {
                let candidate = directory.appendingPathComponent("dayshift")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    return candidate
                }
                if directory.lastPathComponent == ".build" { break }
                directory.deleteLastPathComponent()
            }
            throw HarnessError("the dayshift binary was not found next to \(CommandLine.arguments[0]); run `swift build` first or set DAYSHIFT_BINARY")
        }
    }

    /// Starts `dayshift serve --config <config> --port <free port>` and waits until `/healthz` answers.
    init(config: URL, environment: [String: String], logFile: URL) async throws {
        port = try FreePort.next()
        self.logFile = logFile
        process.executableURL = try Self.binary
        process.arguments = ["serve", "--config", config.path, "--port", String(port), "--log-level", "info"]
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DAYSHIFT_") }
        env.merge(environment) { _, new in new }
        process.environment = env
        if !FileManager.default.fileExists(atPath: logFile.path) { _ = FileManager.default.createFile(atPath: logFile.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: logFile)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try await waitUntilHealthy()
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private func waitUntilHealthy() async throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if !process.isRunning { throw HarnessError("dayshift exited with \(process.terminationStatus) before listening; log: \(logFile.path)") }
            if let (_, response) = try? await URLSession.shared.data(from: baseURL.appendingPathComponent("healthz")),
               (response as? HTTPURLResponse)?.statusCode == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("dayshift did not answer /healthz within 30 s")
    }

    /// Waits for the process to exit by itself; returns its exit code.
    func waitForExit(timeoutSeconds: Double) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning {
            if Date() > deadline { throw HarnessError("dayshift still running after \(timeoutSeconds) s") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Sends `signal` (SIGKILL, SIGTERM) and waits for the exit.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeoutSeconds: Double = 30) async throws -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        return try await waitForExit(timeoutSeconds: timeoutSeconds)
    }
}

/// A TCP port nobody listens on right now (bind to port 0, read it, close).
enum FreePort {
    static func next() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw HarnessError("socket() failed") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0 }
        }
        guard bound else { throw HarnessError("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
