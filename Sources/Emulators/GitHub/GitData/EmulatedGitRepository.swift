import Foundation
import Sandboxes

/// The real git repository behind an emulated GitHub repository: a local bare repository whose
/// objects and refs the emulator's Git Data API reads and writes with git's own plumbing
/// (`hash-object`, `read-tree`, `update-index`, `write-tree`, `commit-tree`, `update-ref`), so
/// that a clone of it sees exactly what was written over the API.
struct EmulatedGitRepository: Sendable {
    /// The bare repository, e.g. `/tmp/x/calculator.git`.
    let directory: URL

    /// A tree entry as `git ls-tree` prints it.
    struct TreeEntry: Sendable, Equatable {
        var mode: String
        var type: String
        var sha: String
        var path: String
    }

    /// What a tree request asks for one path.
    enum EntryChange: Sendable {
        case content(Data)
        case object(String)
        case delete
    }

    /// A parsed commit object.
    struct Commit: Sendable, Equatable {
        var sha: String
        var tree: String
        var parents: [String]
        var authorName: String
        var authorEmail: String
        var authorDate: Date
        var committerName: String
        var committerEmail: String
        var committerDate: Date
        var message: String
    }

    /// Refused writes, turned into GitHub's 422/404 answers by the routes.
    enum Failure: Error, Equatable {
        case notFound(String)
        case invalid(String)
    }

    // MARK: Reads

    /// The commit `refs/heads/<branch>` points at, or `nil`.
    func branchHead(_ branch: String) async throws -> String? {
        let result = try await run(["rev-parse", "--verify", "-q", "refs/heads/\(branch)^{commit}"])
        return result.exitCode == 0 ? result.output.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// `commit`, `tree`, `blob`, or `nil` when there is no such object.
    func objectType(_ sha: String) async throws -> String? {
        guard Self.isSHA(sha) else { return nil }
        let result = try await run(["cat-file", "-t", sha])
        return result.exitCode == 0 ? result.output.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// Parses commit `sha`.
    /// - Throws: ``Failure/notFound(_:)`` when it is not a commit.
    func commit(_ sha: String) async throws -> Commit {
        guard try await objectType(sha) == "commit" else { throw Failure.notFound("commit \(sha)") }
        let raw = try await checked(["cat-file", "commit", sha])
        let parts = raw.components(separatedBy: "\n\n")
        var commit = Commit(sha: sha, tree: "", parents: [], authorName: "", authorEmail: "", authorDate: Date(timeIntervalSince1970: 0),
                            committerName: "", committerEmail: "", committerDate: Date(timeIntervalSince1970: 0),
                            message: parts.dropFirst().joined(separator: "\n\n"))
        for line in parts[0].split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard fields.count == 2 else { continue }
            switch fields[0] {
            case "tree": commit.tree = fields[1]
            case "parent": commit.parents.append(fields[1])
            case "author": (commit.authorName, commit.authorEmail, commit.authorDate) = Self.identity(fields[1])
            case "committer": (commit.committerName, commit.committerEmail, commit.committerDate) = Self.identity(fields[1])
            default: break
            }
        }
        return commit
    }

    /// The entries directly under tree `sha`.
    func treeEntries(_ sha: String) async throws -> [TreeEntry] {
        let output = try await checked(["ls-tree", "-z", sha])
        return output.split(separator: "\0").compactMap { line in
            let halves = line.split(separator: "\t", maxSplits: 1)
            let head = halves.first?.split(separator: " ") ?? []
            guard halves.count == 2, head.count == 3 else { return nil }
            return TreeEntry(mode: String(head[0]), type: String(head[1]), sha: String(head[2]), path: String(halves[1]))
        }
    }

    /// True when `ancestor` is `descendant` or one of its ancestors.
    func isAncestor(_ ancestor: String, of descendant: String) async throws -> Bool {
        try await run(["merge-base", "--is-ancestor", ancestor, descendant]).exitCode == 0
    }

    // MARK: Writes

    /// Writes blobs for `contents` and returns their shas, in order (one `git hash-object -w` for all).
    func writeBlobs(_ contents: [Data]) async throws -> [String] {
        guard !contents.isEmpty else { return [] }
        let scratch = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        var paths: [String] = []
        for (index, data) in contents.enumerated() {
            let file = scratch.appendingPathComponent("blob-\(index)")
            try data.write(to: file)
            paths.append(file.path)
        }
        let output = try await checked(["hash-object", "-w", "--no-filters"] + paths)
        return output.split(separator: "\n").map(String.init)
    }

    /// Writes a tree: `baseTree` (or empty) with `changes` applied (`path` → change), through a
    /// private index file.
    /// - Throws: ``Failure/invalid(_:)`` for a bad base tree, a missing object, or a deletion of a
    ///   path that does not exist (as GitHub answers 422).
    func writeTree(baseTree: String?, changes: [(path: String, mode: String, change: EntryChange)]) async throws -> String {
        let scratch = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let index = scratch.appendingPathComponent("index").path
        if let baseTree {
            let type = try await objectType(baseTree)
            guard type == "tree" || type == "commit" else {
                throw Failure.invalid("base_tree \(baseTree) is not a valid tree")
            }
            try await checked(["read-tree", baseTree], index: index)
        } else {
            try await checked(["read-tree", "--empty"], index: index)
        }
        let existing = Set(try await checked(["ls-files", "-z"], index: index).split(separator: "\0").map(String.init))
        let contents = changes.compactMap { if case .content(let data) = $0.change { data } else { nil } }
        var written = try await writeBlobs(contents)[...]
        var lines = ""
        for entry in changes {
            switch entry.change {
            case .delete:
                guard existing.contains(entry.path) else { throw Failure.invalid("tree.path \(entry.path) does not exist and cannot be deleted") }
                lines += "0 \(String(repeating: "0", count: 40))\t\(entry.path)\n"
            case .object(let sha):
                let expected = entry.mode == "160000" ? nil : "blob"
                if let expected, try await objectType(sha) != expected { throw Failure.invalid("tree.sha \(sha) is not a valid blob") }
                lines += "\(entry.mode) \(sha)\t\(entry.path)\n"
            case .content:
                lines += "\(entry.mode) \(written.removeFirst())\t\(entry.path)\n"
            }
        }
        let info = scratch.appendingPathComponent("index-info")
        try Data(lines.utf8).write(to: info)
        try await checked(["sh", "-c", "exec git update-index --index-info < \"$0\"", info.path], index: index, direct: true)
        return try await checked(["write-tree"], index: index).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes a commit of `tree` with `parents`, authored and committed by `name <email>` at `date`.
    /// - Throws: ``Failure/invalid(_:)`` when the tree or a parent does not exist.
    func writeCommit(message: String, tree: String, parents: [String], name: String, email: String, date: Date) async throws -> String {
        guard try await objectType(tree) == "tree" else { throw Failure.invalid("tree \(tree) is not a valid tree") }
        for parent in parents where try await objectType(parent) != "commit" {
            throw Failure.invalid("parent \(parent) is not a valid commit")
        }
        let scratch = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let messageFile = scratch.appendingPathComponent("message")
        try Data(message.utf8).write(to: messageFile)
        let stamp = "\(Int(date.timeIntervalSince1970)) +0000"
        let identity = ["GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": stamp,
                        "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": stamp]
        let arguments = ["commit-tree", tree] + parents.flatMap { ["-p", $0] } + ["-F", messageFile.path]
        return try await checked(arguments, environment: identity).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Points `refs/heads/<branch>` at `sha`. With `expectedOld` `nil` the branch must not exist yet.
    /// - Returns: false when the branch's head was not `expectedOld` (it moved, or exists already).
    func setBranch(_ branch: String, to sha: String, expectedOld: String?) async throws -> Bool {
        let old = expectedOld ?? ""
        return try await run(["update-ref", "refs/heads/\(branch)", sha, old]).exitCode == 0
    }

    // MARK: Plumbing

    static func isSHA(_ text: String) -> Bool {
        text.count == 40 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// `Name <email> 1700000000 +0000` → its parts.
    static func identity(_ text: String) -> (String, String, Date) {
        guard let open = text.firstIndex(of: "<"), let close = text.firstIndex(of: ">") else { return (text, "", Date(timeIntervalSince1970: 0)) }
        let name = text[..<open].trimmingCharacters(in: .whitespaces)
        let email = String(text[text.index(after: open)..<close])
        let seconds = text[text.index(after: close)...].split(separator: " ").first.flatMap { Double($0) } ?? 0
        return (name, email, Date(timeIntervalSince1970: seconds))
    }

    private func makeScratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-emulator-git-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @discardableResult
    private func checked(_ arguments: [String], index: String? = nil, environment: [String: String] = [:], direct: Bool = false) async throws -> String {
        let result = try await run(arguments, index: index, environment: environment, direct: direct)
        guard result.exitCode == 0 else { throw Failure.invalid("git \(arguments.first ?? "") failed: \(result.lastLines(3))") }
        return result.output
    }

    /// Runs `git <arguments>` (or, with `direct`, `arguments` as the whole command line) in the
    /// bare repository with no user or system configuration.
    private func run(_ arguments: [String], index: String? = nil, environment extra: [String: String] = [:], direct: Bool = false) async throws -> CommandResult {
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "GIT_DIR": directory.path, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": directory.path,
        ]
        if let index { environment["GIT_INDEX_FILE"] = index }
        environment.merge(extra) { _, new in new }
        let executable = direct ? arguments[0] : "git"
        let rest = direct ? Array(arguments.dropFirst()) : arguments
        return try await ProcessRunner().run(.init(executable: executable, arguments: rest, environment: environment,
                                                   workingDirectory: directory.path, timeoutSeconds: 120, outputLimitBytes: 64 * 1024 * 1024))
    }
}
