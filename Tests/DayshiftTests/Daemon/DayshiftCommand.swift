import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The real `dayshift` binary run once as a child process, its standard error kept in a file.
final class DayshiftCommand: @unchecked Sendable {
    let process = Process()
    let errorFile: URL
    let output = Pipe()

    /// Starts `dayshift arguments…` with only `environment` (plus `PATH` and `HOME`) in its
    /// environment, from `directory`.
    init(_ arguments: [String], environment: [String: String] = [:], in directory: TestDirectory) throws {
        errorFile = directory.url.appendingPathComponent("stderr-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.executableURL = try ServerProcess.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory.url
        let inherited = ProcessInfo.processInfo.environment.filter { ["PATH", "HOME"].contains($0.key) }
        process.environment = inherited.merging(environment) { _, new in new }
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
    }

    /// Runs to the end: exit status, standard output, standard error.
    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: TestDirectory,
                    timeoutSeconds: Double = 60) async throws -> (status: Int32, output: String, errors: String) {
        let command = try DayshiftCommand(arguments, environment: environment, in: directory)
        let status = try await command.waitForExit(timeoutSeconds: timeoutSeconds)
        let output = String(decoding: command.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (status, output, command.errors)
    }

    /// Standard error so far.
    var errors: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

    /// Standard error's lines so far, each parsed as a JSON object (`nil` for a line that is not one).
    var jsonLines: [[String: Any]?] {
        errors.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func waitForExit(timeoutSeconds: Double) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning {
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                throw HarnessError("dayshift \(process.arguments ?? []) still running after \(timeoutSeconds) s; stderr: \(errors)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Waits until standard error has a line containing `text`.
    func waitForLog(_ text: String, timeoutSeconds: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while !errors.contains(text) {
            if Date() > deadline { throw HarnessError("no log line with \"\(text)\" within \(timeoutSeconds) s; stderr: \(errors)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
