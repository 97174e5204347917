import DayshiftConfig
import Emulators
import Foundation

/// The demo's world, built in a temporary directory: a bare git repository with a buggy sample
/// project, a stand-in agent script, and a configuration that points Dayshift at the GitHub
/// emulator and the local runner.
struct DemoWorkspace {
    static let owner = "demo"
    static let repo = "calculator"
    static let issueNumber = 1
    static let issueTitle = "add() returns the wrong result"
    static let issueBody = "`add(2, 3)` returns -1 instead of 5. The test in test_calc.py fails."

    let directory: URL
    let repository: SampleRepository
    let webhookSecret: String
    let agentScript: URL

    static func create() async throws -> DemoWorkspace {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-demo-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let repository = try await SampleRepository.create(in: directory)
        let agentScript = directory.appendingPathComponent("demo-agent.sh")
        try Data(agentScriptText.utf8).write(to: agentScript)
        let secret = (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }.joined()
        return DemoWorkspace(directory: directory, repository: repository, webhookSecret: secret, agentScript: agentScript)
    }

    /// The stand-in for a coding agent: it reads the prompt file like a real agent would, then
    /// applies the one fix the sample project needs. It does not think.
    static let agentScriptText = """
    #!/bin/sh
    # Dayshift demo agent: stands in for a coding agent such as Claude Code.
    # It reads the task from $DAYSHIFT_PROMPT_FILE, then fixes the sample's known bug.
    set -eu
    echo "demo agent: read $(wc -c < "$DAYSHIFT_PROMPT_FILE") bytes of prompt for $DAYSHIFT_REPOSITORY#$DAYSHIFT_ISSUE_NUMBER"
    python3 -c 'import pathlib; p = pathlib.Path("calc.py"); p.write_text(p.read_text().replace("\(SampleRepository.buggyLine)", "\(SampleRepository.fixedLine)"))'
    echo "demo agent: fixed calc.py"

    """

    /// The demo's GitHub App id in the emulator; the App is installed on ``owner`` as installation 1.
    static let appID: Int64 = 1001

    /// - Parameter privateKeyPEM: the App's private key, made by the emulator.
    func configuration(githubURL: URL, privateKeyPEM: String) -> DayshiftConfiguration {
        var configuration = DayshiftConfiguration()
        configuration.dataDirectory = directory.appendingPathComponent("data").path
        configuration.server.port = 0
        configuration.webhook.secret = webhookSecret
        configuration.github.apiURL = githubURL.absoluteString
        configuration.github.appID = String(Self.appID)
        configuration.github.privateKeyPEM = privateKeyPEM
        configuration.agent.command = "sh \(agentScript.path)"
        configuration.agent.profile = .command
        configuration.agent.timeoutSeconds = 120
        configuration.agent.passEnvironment = []
        var settings = RepositorySettings()
        settings.cloneURL = repository.cloneURL
        configuration.repositories["\(Self.owner)/\(Self.repo)"] = settings
        // With bubblewrap the sandbox sees only what is listed: the agent script (read-only). The
        // bare repository is cloned outside the sandbox, and the server publishes through the API.
        configuration.sandbox.local.readOnlyPaths.append(agentScript.path)
        return configuration
    }

    /// What `demo --keep` leaves to start a server on the demo's data again: `dayshift.yaml`
    /// (this data directory, port 8080, and secrets in files beside it: the webhook secret, a new
    /// operator token and the demo App's private key, all `0600`). The demo's GitHub emulator has
    /// stopped by then, so that server can show the run (operator API) but not work on GitHub.
    /// - Returns: the configuration file and the operator-token file.
    /// - Throws: file-system errors.
    func writeServeConfiguration(githubURL: URL, privateKeyPEM: String) throws -> (configuration: URL, operatorToken: URL) {
        func secretFile(_ name: String, _ contents: String) throws -> URL {
            let url = directory.appendingPathComponent(name)
            // Created 0600, so the secret is never readable by others, not even for a moment.
            guard FileManager.default.createFile(atPath: url.path, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
            return url
        }
        let token = try secretFile("operator-token", (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }.joined())
        let secret = try secretFile("webhook-secret", webhookSecret)
        let key = try secretFile("github-app.pem", privateKeyPEM)
        let configuration = directory.appendingPathComponent("dayshift.yaml")
        let readOnlyPaths = self.configuration(githubURL: githubURL, privateKeyPEM: privateKeyPEM)
            .sandbox.local.readOnlyPaths.joined(separator: ", ")
        try Data("""
            # Written by `dayshift demo --keep`: a server on the demo's data. Start it with
            #   dayshift serve --config \(configuration.path)
            # and ask the operator API, e.g.
            #   curl -H "Authorization: Bearer $(cat \(token.path))" http://127.0.0.1:8080/api/v1/runs
            # The demo's GitHub emulator has stopped: this server shows the run; it cannot work on GitHub.
            data_dir: \(directory.appendingPathComponent("data").path)
            server:
              port: 8080
              operator_token_file: \(token.path)
            webhook:
              secret_file: \(secret.path)
            github:
              api_url: \(githubURL.absoluteString)
              app_id: \(Self.appID)
              private_key_file: \(key.path)
            agent:
              command: sh \(agentScript.path)   # the demo's stand-in agent (the command profile)
            sandbox:
              local:
                read_only_paths: [\(readOnlyPaths)]
            repositories:
              \(Self.owner)/\(Self.repo):
                clone_url: \(repository.cloneURL)

            """.utf8).write(to: configuration)
        return (configuration, token)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
