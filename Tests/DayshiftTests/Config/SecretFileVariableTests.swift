import DayshiftConfig
import Foundation
import Testing

/// `DAYSHIFT_*_FILE`: secrets handed over as files (systemd credentials, Docker secrets).
@Suite("Secret file variables")
struct SecretFileVariableTests {
    /// Writes a fresh secret (with the trailing newline editors add) to a file; returns both.
    static func secretFile(in directory: TestDirectory, _ name: String) throws -> (path: String, secret: String) {
        let secret = UUID().uuidString + "-" + UUID().uuidString
        let url = directory.url.appendingPathComponent(name)
        try Data("\(secret)\n".utf8).write(to: url)
        return (url.path, secret)
    }

    @Test("each variable fills its setting from the file it names, and the file is hidden from sandboxes")
    func filled() throws {
        let directory = try TestDirectory("secrets")
        defer { directory.remove() }
        let webhook = try Self.secretFile(in: directory, "webhook-secret")
        let token = try Self.secretFile(in: directory, "github-token")
        let daytona = try Self.secretFile(in: directory, "daytona-api-key")
        let anthropic = try Self.secretFile(in: directory, "anthropic-api-key")
        let openai = try Self.secretFile(in: directory, "openai-api-key")
        let config = try DayshiftConfiguration.parse(yaml: "sandbox: {provider: daytona}", environment: [
            "DAYSHIFT_WEBHOOK_SECRET_FILE": webhook.path, "DAYSHIFT_GITHUB_TOKEN_FILE": token.path,
            "DAYSHIFT_DAYTONA_API_KEY_FILE": daytona.path, "DAYSHIFT_ANTHROPIC_API_KEY_FILE": anthropic.path,
            "DAYSHIFT_OPENAI_API_KEY_FILE": openai.path, "ANTHROPIC_API_KEY": "not-this-one",
        ])
        #expect(config.webhook.secret == webhook.secret)
        #expect(config.github.token == token.secret)
        #expect(config.sandbox.daytona.apiKey == daytona.secret)
        #expect(config.llm.anthropic.apiKey == anthropic.secret)
        #expect(config.llm.openai.apiKey == openai.secret)
        for file in [webhook, token, daytona, anthropic, openai] {
            #expect(config.sourceFiles.contains(file.path))
        }
        try config.checkServeRequirements()
    }

    @Test("the variable wins over the YAML key")
    func overridesYAML() throws {
        let directory = try TestDirectory("secrets")
        defer { directory.remove() }
        let fromYAML = try Self.secretFile(in: directory, "yaml-secret")
        let fromEnvironment = try Self.secretFile(in: directory, "env-secret")
        let config = try DayshiftConfiguration.parse(yaml: "webhook: {secret_file: \(fromYAML.path)}",
                                                     environment: ["DAYSHIFT_WEBHOOK_SECRET_FILE": fromEnvironment.path])
        #expect(config.webhook.secret == fromEnvironment.secret)
    }

    @Test("a secret set both directly and as a file is refused, naming both and neither value")
    func both() throws {
        let directory = try TestDirectory("secrets")
        defer { directory.remove() }
        let file = try Self.secretFile(in: directory, "github-token")
        let direct = UUID().uuidString
        let error = #expect(throws: ConfigurationError.self) {
            try DayshiftConfiguration.parse(yaml: "", environment: ["DAYSHIFT_GITHUB_TOKEN_FILE": file.path, "DAYSHIFT_GITHUB_TOKEN": direct])
        }
        #expect(error?.key == "DAYSHIFT_GITHUB_TOKEN_FILE")
        #expect(error?.description.contains("DAYSHIFT_GITHUB_TOKEN is set too") == true)
        #expect(error?.description.contains(direct) == false && error?.description.contains(file.secret) == false)
    }

    @Test("a file that cannot be read is refused, naming the variable")
    func unreadable() {
        #expect(throws: ConfigurationError(key: "DAYSHIFT_WEBHOOK_SECRET_FILE", problem: "cannot read the file named there")) {
            try DayshiftConfiguration.parse(yaml: "", environment: ["DAYSHIFT_WEBHOOK_SECRET_FILE": "/nonexistent/\(UUID().uuidString)"])
        }
    }

    @Test("serve's requirements: a webhook secret, then GitHub credentials (an App or a token)")
    func serveRequirements() throws {
        var config = DayshiftConfiguration()
        #expect(throws: ConfigurationError.self) { try config.checkServeRequirements() }
        config.webhook.secret = UUID().uuidString
        let missingGitHub = #expect(throws: ConfigurationError.self) { try config.checkServeRequirements() }
        #expect(missingGitHub?.key == "github")
        config.github.appID = "1"
        config.github.privateKeyPEM = "placeholder: only its presence is checked here"
        try config.checkServeRequirements()
        config.github = GitHubSettings()
        config.github.token = UUID().uuidString
        try config.checkServeRequirements()
    }
}
