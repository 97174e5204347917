import DayshiftCore
import Emulators
import Foundation
import GitHub
@testable import IssueObjects
import Testing

/// ``GitDataPublisher`` against the GitHub emulator's Git Data API over a real bare repository.
@Suite("Git Data publisher")
struct GitDataPublisherTests {
    /// A sample repository behind the emulator's Git Data API, and a publisher for it.
    static func publisher() async throws -> (SampleRepository, RunningGitHubEmulator, GitDataPublisher, @Sendable () -> Void) {
        let directory = try TestDirectory("publisher")
        let repository = try await SampleRepository.create(in: directory.url)
        let emulator = try await GitHubEmulator.start()
        await emulator.state.registerRepository(owner: "octo", repo: "calculator", bareDirectory: repository.bareDirectory)
        let client = GitHubClient(baseURL: emulator.baseURL, timeoutSeconds: 120) { "token" }
        let publisher = GitDataPublisher(client: client, repository: RepositoryName(owner: "octo", name: "calculator"))
        return (repository, emulator, publisher, { Task { await emulator.stop(); directory.remove() } })
    }

    @Test("a 60 MB change publishes as one commit: text inline in chunked trees, large and binary files as blobs")
    func sixtyMegabytes() async throws {
        let (repository, emulator, publisher, cleanUp) = try await Self.publisher()
        defer { cleanUp() }

        let line = String(repeating: "0123456789abcdef", count: 4) + "\n"
        var entries: [SandboxChange.Entry] = (0..<100).map { index in
            .init(path: "text/file-\(index).txt", kind: .file(Data(String(repeating: line, count: 6_000).utf8), executable: false))  // 390 KB each
        }
        var binary = Data(count: 21 * 1024 * 1024)
        binary[0] = 0xFF
        entries.append(.init(path: "assets/big.bin", kind: .file(binary, executable: false)))
        let change = SandboxChange(entries: entries)
        #expect(change.byteCount > 60_000_000)

        let base = try await repository.head(of: "main")
        let outcome = try await publisher.publish(change, branch: "dayshift/issue-1", base: base, message: "Big change\n", ownCommits: [])
        #expect(outcome.action == "created")
        #expect(try await repository.parents(of: outcome.commit) == [base])
        let tree = try await repository.tree(at: "dayshift/issue-1")
        #expect(tree.filter { $0.contains("\ttext/file-") }.count == 100)
        #expect(tree.contains { $0.hasSuffix("\tassets/big.bin") })
        let requests = await emulator.state.recordedRequests
        #expect(requests.filter { $0.path.hasSuffix("/git/trees") }.count >= 5, "trees are chunked under 8 MiB each")
        #expect(requests.filter { $0.path.hasSuffix("/git/blobs") }.count == 1)
        #expect(requests.allSatisfy { $0.body.count < 32 * 1024 * 1024 })
    }

    @Test("a branch whose head Dayshift did not write is refused and left as it was")
    func foreignHeadIsRefused() async throws {
        let (repository, _, publisher, cleanUp) = try await Self.publisher()
        defer { cleanUp() }
        let base = try await repository.head(of: "main")
        let change = SandboxChange(entries: [.init(path: "calc.py", kind: .file(Data("fixed\n".utf8), executable: false))])

        let first = try await publisher.publish(change, branch: "feature", base: base, message: "m\n", ownCommits: [])
        let persons = try await repository.commitAsPerson(branch: "feature", path: "notes.txt", contents: "mine\n")
        await #expect(throws: GitDataPublisher.BranchTaken.self) {
            _ = try await publisher.publish(change, branch: "feature", base: base, message: "m\n", ownCommits: [first.commit])
        }
        #expect(try await repository.head(of: "feature") == persons)
        // From Dayshift's own commit, a new change moves the branch.
        let other = SandboxChange(entries: [.init(path: "calc.py", kind: .file(Data("fixed again\n".utf8), executable: false))])
        let second = try await publisher.publish(other, branch: "fresh", base: base, message: "m\n", ownCommits: [])
        let third = try await publisher.publish(change, branch: "fresh", base: base, message: "m\n", ownCommits: [second.commit])
        #expect(third.action == "updated")
        #expect(try await repository.head(of: "fresh") == third.commit)
    }
}

/// Reading a change out of the sandbox: everything from there is untrusted.
@Suite("Sandbox change")
struct SandboxChangeTests {
    static func blobStream(_ contents: [Data], lie: Bool = false) -> (Data, [String]) {
        var stream = Data()
        var shas: [String] = []
        for data in contents {
            let sha = lie ? String(repeating: "a", count: 40) : GitObjectHash.blob(data)
            shas.append(sha)
            stream.append(Data("\(sha) blob \(data.count)\n".utf8) + data + Data("\n".utf8))
        }
        return (stream, shas)
    }

    static func diff(_ records: [(mode: String, sha: String, status: String, path: String)]) -> Data {
        var data = Data()
        for record in records {
            data.append(Data(":100644 \(record.mode) \(String(repeating: "0", count: 40)) \(record.sha) \(record.status)\0\(record.path)\0".utf8))
        }
        return data
    }

    @Test("files, executables, symlinks, submodules and deletions are read with their contents")
    func readsEveryKind() throws {
        let (blobs, shas) = Self.blobStream([Data("text\n".utf8), Data("target".utf8), Data([0, 1, 2])])
        let change = try SandboxChange(diff: Self.diff([
            ("100644", shas[0], "M", "a.txt"), ("120000", shas[1], "A", "link"), ("100755", shas[2], "A", "bin/run"),
            ("160000", String(repeating: "b", count: 40), "A", "vendor/lib"), ("000000", String(repeating: "0", count: 40), "D", "old.txt"),
        ]), blobs: blobs)
        #expect(change.entries.map(\.path) == ["a.txt", "bin/run", "link", "old.txt", "vendor/lib"])
        #expect(change.entries.first { $0.path == "link" }?.kind == .symlink(target: Data("target".utf8)))
        #expect(change.entries.first { $0.path == "bin/run" }?.kind == .file(Data([0, 1, 2]), executable: true))
        #expect(change.entries.first { $0.path == "old.txt" }?.kind == .deleted)
    }

    @Test("unsafe paths, lying hashes and oversized files are refused", arguments: ["../escape", "/etc/passwd", ".git/config", "a//b", "x/.GIT/hooks/pre-commit", ".git\u{200C}/config", ".git. /config",
                                                                                "GIT~1/HEAD", "a\\b"])
    func refusesUnsafePaths(path: String) throws {
        let (blobs, shas) = Self.blobStream([Data("x".utf8)])
        #expect(throws: SandboxChange.Invalid.self) { try SandboxChange(diff: Self.diff([("100644", shas[0], "A", path)]), blobs: blobs) }
    }

    @Test("a blob whose bytes do not hash to its listed sha, or a file over the limit, is refused")
    func refusesLiesAndSize() throws {
        let (lying, shas) = Self.blobStream([Data("x".utf8)], lie: true)
        #expect(throws: SandboxChange.Invalid.self) { try SandboxChange(diff: Self.diff([("100644", shas[0], "A", "a")]), blobs: lying) }
        let (big, bigShas) = Self.blobStream([Data(count: 2048)])
        #expect(throws: SandboxChange.Invalid.self) {
            try SandboxChange(diff: Self.diff([("100644", bigShas[0], "A", "a")]), blobs: big, maxFileBytes: 1024)
        }
    }
}

/// Secrets are found in every form they travel in.
@Suite("Secret redaction")
struct SecretRedactorTests {
    @Test("raw, base64 at any alignment, base64url, percent- and JSON-encoded forms are all found and redacted")
    func encodedForms() {
        let secret = "ghs_Secret/Value+With\"Quotes\\AndMore"
        let redactor = SecretRedactor(secrets: [secret])
        var samples = [secret, secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!]
        samples.append(String(decoding: try! JSONEncoder().encode(secret), as: UTF8.self))
        for prefix in ["", "x", "xy", "Authorization: Basic x-access-token:"] {
            samples.append(Data((prefix + secret + "tail").utf8).base64EncodedString())
            samples.append(Data((prefix + secret).utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
        }
        for sample in samples {
            #expect(redactor.containsSecret(Data(sample.utf8)), "\(sample)")
            #expect(redactor.redact("before \(sample) after").contains(SecretRedactor.mask), "\(sample)")
        }
        #expect(!redactor.containsSecret(Data("nothing to see here".utf8)))
        #expect(redactor.redact("plain text") == "plain text")
    }
}
