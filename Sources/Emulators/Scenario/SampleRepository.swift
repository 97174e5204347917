import Foundation
import Sandboxes

/// A small sample project in a local bare git repository, for the demo and end-to-end tests:
/// a Python calculator whose `add` subtracts, and a unittest that catches it.
public struct SampleRepository: Sendable {
    /// The bare repository, e.g. `/tmp/x/calculator.git`.
    public let bareDirectory: URL
    /// `file://` URL to clone from and push to.
    public var cloneURL: String { bareDirectory.absoluteString }

    /// The buggy line and its fix, for agents that stand in for a real one.
    public static let buggyLine = "return a - b"
    public static let fixedLine = "return a + b"

    /// Files of the sample project: path → contents.
    public static let files: [String: String] = [
        "calc.py": """
        def add(a, b):
            \"\"\"Returns the sum of a and b.\"\"\"
            \(buggyLine)

        """,
        "test_calc.py": """
        import unittest

        from calc import add


        class AddTests(unittest.TestCase):
            def test_adds_two_numbers(self):
                self.assertEqual(add(2, 3), 5)


        if __name__ == "__main__":
            unittest.main()

        """,
        "README.md": "# calculator\n\nA sample project for Dayshift's demo.\n",
    ]

    /// Creates `<directory>/<name>.git` holding one commit of ``files`` (plus `extraFiles`) on `main`.
    /// - Throws: ``SampleRepositoryError`` with git's output when a git command fails.
    public static func create(in directory: URL, name: String = "calculator", extraFiles: [String: String] = [:]) async throws -> SampleRepository {
        let work = directory.appendingPathComponent("\(name)-work", isDirectory: true)
        let bare = directory.appendingPathComponent("\(name).git", isDirectory: true)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        for (path, contents) in files.merging(extraFiles, uniquingKeysWith: { _, new in new }) {
            let url = work.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        try await git(["init", "-q", "--bare", "-b", "main", bare.path], in: directory)
        try await git(["init", "-q", "-b", "main"], in: work)
        try await git(["add", "-A"], in: work)
        try await git(["commit", "-q", "-m", "Initial commit"], in: work)
        try await git(["push", "-q", bare.path, "main"], in: work)
        try? FileManager.default.removeItem(at: work)
        return SampleRepository(bareDirectory: bare)
    }

    /// Branch names in the bare repository.
    public func branches() async throws -> [String] {
        let output = try await Self.git(["for-each-ref", "--format=%(refname:short)", "refs/heads"], in: bareDirectory)
        return output.split(separator: "\n").map(String.init)
    }

    /// The paths of every file at `branch`.
    public func files(at branch: String) async throws -> [String] {
        try await Self.git(["ls-tree", "-r", "--name-only", branch], in: bareDirectory).split(separator: "\n").map(String.init)
    }

    /// The contents of `path` at `branch`.
    public func file(_ path: String, at branch: String) async throws -> String {
        try await Self.git(["show", "\(branch):\(path)"], in: bareDirectory)
    }

    /// The commit `branch` points at.
    public func head(of branch: String) async throws -> String {
        try await Self.git(["rev-parse", "refs/heads/\(branch)"], in: bareDirectory).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `git ls-tree -r <branch>` lines: `<mode> <type> <sha>\t<path>`.
    public func tree(at branch: String) async throws -> [String] {
        try await Self.git(["ls-tree", "-r", branch], in: bareDirectory).split(separator: "\n").map(String.init)
    }

    /// The parents of commit `sha`.
    public func parents(of sha: String) async throws -> [String] {
        try await Self.git(["rev-list", "--parents", "-n", "1", sha], in: bareDirectory).split(separator: " ").dropFirst()
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// True when `ancestor` is reachable from `branch`.
    public func branch(_ branch: String, contains ancestor: String) async throws -> Bool {
        (try? await Self.git(["merge-base", "--is-ancestor", ancestor, "refs/heads/\(branch)"], in: bareDirectory)) != nil
    }

    /// Pushes a commit to `branch` as a person would (not through the API): `path` gets `contents`
    /// on top of the branch's head. Returns the new commit.
    @discardableResult
    public func commitAsPerson(branch: String, path: String, contents: String) async throws -> String {
        let work = bareDirectory.deletingLastPathComponent().appendingPathComponent("person-\(UUID().uuidString.prefix(8))", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try await Self.git(["clone", "-q", "-b", branch, bareDirectory.path, work.path], in: bareDirectory.deletingLastPathComponent())
        try Data(contents.utf8).write(to: work.appendingPathComponent(path))
        try await Self.git(["add", "-A"], in: work)
        try await Self.git(["commit", "-q", "-m", "A person's commit"], in: work)
        try await Self.git(["push", "-q", "origin", branch], in: work)
        return try await head(of: branch)
    }

    @discardableResult
    static func git(_ arguments: [String], in directory: URL) async throws -> String {
        let environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path,
            "GIT_AUTHOR_NAME": "Sample", "GIT_AUTHOR_EMAIL": "sample@example.com",
            "GIT_COMMITTER_NAME": "Sample", "GIT_COMMITTER_EMAIL": "sample@example.com",
            "GIT_CONFIG_NOSYSTEM": "1",
        ]
        let result = try await ProcessRunner().run(.init(executable: "git", arguments: arguments, environment: environment,
                                                         workingDirectory: directory.path, timeoutSeconds: 60, outputLimitBytes: 64 << 20))
        guard result.exitCode == 0 else { throw SampleRepositoryError(command: "git \(arguments.first ?? "")", output: result.lastLines(5)) }
        return result.output
    }
}

/// A git command failed while building or reading the sample repository.
public struct SampleRepositoryError: Error, CustomStringConvertible {
    public var command: String
    public var output: String
    public var description: String { "\(command) failed: \(output)" }
}
