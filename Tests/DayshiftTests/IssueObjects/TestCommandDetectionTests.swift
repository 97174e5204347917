import DayshiftConfig
import Foundation
@testable import IssueObjects
import Sandboxes
import Testing

/// Test-command detection (used when a repository sets no `test_command`), on real clones in a
/// local sandbox: each kind of project, the order between them, and the nothing-detected case.
@Suite("Test-command detection")
struct TestCommandDetectionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        /// The files committed at the top of the repository.
        var files: [String: String]
        /// The command the detector must settle on; nil for none.
        var expected: String?
        var testDescription: String
    }

    /// A local `pytest.py` shadows (or fakes) pytest for `python3 -c 'import pytest'`, whatever the
    /// machine has installed, so both Python answers are checked.
    static let pytestMissing = "raise ImportError('pytest is not installed here')\n"

    static let cases: [Case] = [
        Case(files: ["Package.swift": "// swift-tools-version:5.9\n", "Makefile": "test:\n\ttrue\n"], expected: "swift test",
             testDescription: "Package.swift → swift test, before a Makefile"),
        Case(files: ["package.json": #"{"name": "x", "scripts": {"test": "true"}}"# + "\n", "setup.py": ""], expected: "npm test",
             testDescription: "package.json → npm test, before Python"),
        Case(files: ["go.mod": "module example.com/x\n\ngo 1.22\n"], expected: "go test ./...", testDescription: "go.mod → go test ./..."),
        Case(files: ["Cargo.toml": "[package]\nname = \"x\"\nversion = \"0.1.0\"\n"], expected: "cargo test",
             testDescription: "Cargo.toml → cargo test"),
        Case(files: ["pyproject.toml": "[project]\nname = \"x\"\n", "pytest.py": ""], expected: "python3 -m pytest",
             testDescription: "pyproject.toml with pytest importable → python3 -m pytest"),
        Case(files: ["pyproject.toml": "[project]\nname = \"x\"\n", "pytest.py": pytestMissing], expected: "python3 -m unittest",
             testDescription: "pyproject.toml without pytest → python3 -m unittest"),
        Case(files: ["setup.py": "", "pytest.py": pytestMissing], expected: "python3 -m unittest",
             testDescription: "setup.py → Python"),
        Case(files: ["test_calc.py": "", "pytest.py": pytestMissing], expected: "python3 -m unittest",
             testDescription: "a top-level test_*.py → Python"),
        Case(files: ["tests/test_calc.py": "", "pytest.py": ""], expected: "python3 -m pytest",
             testDescription: "a tests/ directory → Python"),
        Case(files: ["Makefile": "build:\n\ttrue\n\ntest: build\n\ttrue\n"], expected: "make test",
             testDescription: "a Makefile with a test target → make test"),
        Case(files: ["Makefile": "build:\n\ttrue\n# test: not a target\n", "README.md": "x\n"], expected: nil,
             testDescription: "a Makefile without a test target → nothing"),
        Case(files: ["README.md": "nothing to test\n", "src/main.c": "int main(void) { return 0; }\n"], expected: nil,
             testDescription: "no known project file → nothing"),
    ]

    @Test("the detector names the usual test command of each kind of project", arguments: cases)
    func detects(_ testCase: Case) async throws {
        try await LocalSandboxFixture.withProvider { provider, root in
            let bare = try Self.makeRepository(testCase.files, in: root)
            let sandbox = try await provider.create(SandboxCreateRequest(name: "detect", labels: [:]))
            try await provider.gitClone(in: sandbox.id, GitCloneRequest(url: bare.path, path: "repo"))
            let listing = try await provider.execute(in: sandbox.id, SandboxCommand("ls -A1", workingDirectory: "repo"))
            try #require(listing.exitCode == 0 && listing.output.contains(".git"), "the clone is there: \(listing.output)")
            let detected = try await TestCommandDetector.detect { command in
                try await provider.execute(in: sandbox.id, SandboxCommand(command, workingDirectory: "repo"))
            }
            #expect(detected == testCase.expected, "files: \(testCase.files.keys.sorted())")
            try await provider.delete(id: sandbox.id)
        }
    }

    @Test("a repository without test_command gets the detected one, before and after the agent")
    func runDetectsTheSamplesTests() async throws {
        try await EndToEndHarness.with(extraFiles: ["pytest.py": Self.pytestMissing], configure: {
            $0.repositories["\(EndToEndHarness.owner)/\(EndToEndHarness.repo)"]?.testCommand = nil
        }) { harness in
            #expect(harness.configuration.repositories["\(EndToEndHarness.owner)/\(EndToEndHarness.repo)"]?.testCommand == nil)
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 51, title: "detect the tests", body: ""))
            let journal = try await harness.waitForFinishedRun(51)
            #expect(journal.run.status == .succeeded, "\(journal.failedStep?.error ?? "")")
            let baseline = try #require(journal.baseline, "the baseline ran a detected command")
            let verify = try #require(journal.verify)
            #expect(baseline.command == "python3 -m unittest" && verify.command == baseline.command)
            #expect(baseline.exitCode != 0, "the sample's test fails before the fix: \(baseline.tail)")
            #expect(verify.exitCode == 0, "and passes after it: \(verify.tail)")
        }
    }

    /// A bare repository at `<parent>/detect.git` whose `main` holds `files`.
    static func makeRepository(_ files: [String: String], in parent: URL) throws -> URL {
        let work = parent.appendingPathComponent("detect-work", isDirectory: true)
        for (path, contents) in files {
            let url = work.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        try LocalSandboxFixture.git(["init", "-q", "-b", "main"], in: work)
        try LocalSandboxFixture.git(["add", "-A"], in: work)
        try LocalSandboxFixture.git(["commit", "-q", "-m", "initial"], in: work)
        let bare = parent.appendingPathComponent("detect.git", isDirectory: true)
        try LocalSandboxFixture.git(["clone", "-q", "--bare", work.path, bare.path], in: parent)
        return bare
    }
}
