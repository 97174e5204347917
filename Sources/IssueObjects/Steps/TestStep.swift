import DayshiftConfig
import DayshiftCore
import Foundation
import Sandboxes

/// baseline and verify: run the repository's tests before and after the agent. A failing test is
/// a result, not a step failure; the exit code and last lines go into the pull request.
struct TestStep: RunStep {
    let name: StepName

    func perform(_ context: StepContext) async throws -> StepResult {
        let command: String
        if let known = context.journal.testCommand {
            command = known
        } else if let detected = try await TestCommandDetector.detect(context) {
            command = detected
        } else {
            return .command(CommandStepResult(outcome: nil, note: "no test command configured or detected"))
        }
        // Python caches bytecode keyed on the source's mtime in whole seconds and its size, so an
        // agent's same-size edit within a second of the baseline would run stale code.
        let result = try await context.run(command, timeoutSeconds: context.settings.steps.testTimeoutSeconds,
                                           environment: ["PYTHONDONTWRITEBYTECODE": "1"])
        return .command(CommandStepResult(outcome: context.outcome(command, result)))
    }
}

/// Finds the usual test command from the files at the top of the clone, in this order:
/// `Package.swift` → `swift test`; `package.json` → `npm test`; `go.mod` → `go test ./...`;
/// `Cargo.toml` → `cargo test`; Python (`pyproject.toml`, `setup.py`, `setup.cfg`, `pytest.ini`,
/// `tox.ini`, or `test*.py` / `tests/`) → `python3 -m pytest` when pytest is installed, else
/// `python3 -m unittest`; a `Makefile` with a `test:` target → `make test`.
enum TestCommandDetector {
    static func detect(_ context: StepContext) async throws -> String? {
        try await detect { try await context.run($0) }
    }

    /// The detection itself, with `run` running a shell command in the clone (tests hand it a
    /// sandbox of their own).
    static func detect(run: (String) async throws -> CommandResult) async throws -> String? {
        let listing = try await run("ls -A1")
        let files = Set(listing.output.split(separator: "\n").map(String.init))
        if files.contains("Package.swift") { return "swift test" }
        if files.contains("package.json") { return "npm test" }
        if files.contains("go.mod") { return "go test ./..." }
        if files.contains("Cargo.toml") { return "cargo test" }
        let pythonMarkers: Set = ["pyproject.toml", "setup.py", "setup.cfg", "pytest.ini", "tox.ini", "tests", "test"]
        if !files.isDisjoint(with: pythonMarkers) || files.contains(where: { $0.hasPrefix("test") && $0.hasSuffix(".py") }) {
            let pytest = try await run("python3 -c 'import pytest'")
            return pytest.exitCode == 0 ? "python3 -m pytest" : "python3 -m unittest"
        }
        if files.contains("Makefile") {
            let target = try await run("grep -q '^test:' Makefile")
            if target.exitCode == 0 { return "make test" }
        }
        return nil
    }
}
