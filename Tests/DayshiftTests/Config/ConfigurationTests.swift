import DayshiftConfig
import Foundation
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    @Test("no file at all gives the documented defaults")
    func defaults() throws {
        let config = try DayshiftConfiguration.load(file: nil, environment: [:])
        #expect(config.server.port == 8080)
        #expect(config.server.maxBodyBytes == 25 * 1024 * 1024)
        #expect(config.triggers.label == "dayshift")
        #expect(config.triggers.command == "/dayshift")
        #expect(config.triggers.allowedAssociations == ["OWNER", "MEMBER", "COLLABORATOR"])
        #expect(config.github.apiURL == "https://api.github.com")
        #expect(config.sandbox.provider == "local")
        #expect(config.agent.command.contains("DAYSHIFT_PROMPT_FILE"))
    }

    @Test("the shipped Config/dayshift.yaml parses and matches the defaults")
    func shippedFile() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/dayshift.yaml")
        let config = try DayshiftConfiguration.load(file: file.path, environment: [:])
        let defaults = DayshiftConfiguration()
        #expect(config.server == defaults.server)
        #expect(config.triggers == defaults.triggers)
        #expect(config.agent == defaults.agent)
        #expect(config.steps == defaults.steps)
        #expect(config.git == defaults.git)
        #expect(config.sandbox == defaults.sandbox)
        #expect(config.github == defaults.github)
        #expect(config.dataDirectory == defaults.dataDirectory)
        #expect(config.retention == defaults.retention)
    }

    @Test("an operator token shorter than 16 characters is refused in one line naming the setting")
    func shortOperatorToken() throws {
        #expect(throws: ConfigurationError.self) {
            try DayshiftConfiguration.load(file: nil, environment: ["DAYSHIFT_OPERATOR_TOKEN": "short"])
        }
        do {
            _ = try DayshiftConfiguration.load(file: nil, environment: ["DAYSHIFT_OPERATOR_TOKEN": "a"])
        } catch let error as ConfigurationError {
            #expect(error.key == "server.operator_token_file")
            #expect(!"\(error)".contains("\n"))
        }
        #expect(try DayshiftConfiguration.load(file: nil, environment: ["DAYSHIFT_OPERATOR_TOKEN": String(repeating: "k", count: 16)])
            .server.operatorToken.count == 16)
    }

    @Test("the tracking comment's edit interval and check runs are read from YAML and the environment, with one-line errors")
    func trackingSettings() throws {
        #expect(DayshiftConfiguration().github.commentEditIntervalSeconds == 10)
        #expect(DayshiftConfiguration().github.checkRuns == false)
        let file = try DayshiftConfiguration.parse(yaml: "github:\n  comment_edit_interval_seconds: 2.5\n  check_runs: true\n", environment: [:])
        #expect(file.github.commentEditIntervalSeconds == 2.5)
        #expect(file.github.checkRuns)
        let environment = try DayshiftConfiguration.parse(yaml: "github:\n  comment_edit_interval_seconds: 2.5\n", environment: [
            "DAYSHIFT_GITHUB_COMMENT_EDIT_INTERVAL_SECONDS": "0.2", "DAYSHIFT_GITHUB_CHECK_RUNS": "true",
        ])
        #expect(environment.github.commentEditIntervalSeconds == 0.2)
        #expect(environment.github.checkRuns)
        for (yaml, variables, key) in [
            ("github:\n  comment_edit_interval_seconds: soon\n", [String: String](), "github.comment_edit_interval_seconds"),
            ("", ["DAYSHIFT_GITHUB_COMMENT_EDIT_INTERVAL_SECONDS": "-1"], "github.comment_edit_interval_seconds"),
            ("", ["DAYSHIFT_GITHUB_CHECK_RUNS": "yes please"], "github.check_runs"),
        ] {
            do {
                _ = try DayshiftConfiguration.parse(yaml: yaml, environment: variables)
                Issue.record("\(yaml)\(variables) should be refused")
            } catch let error as ConfigurationError {
                #expect(error.key == key)
                #expect(!"\(error)".contains("\n"))
            }
        }
    }

    @Test("credentials inside URLs are redacted wherever a setting is shown")
    func urlCredentials() {
        #expect(CredentialRedaction.urls(in: "https://user:ghp_x1@github.example/api/v3") == "https://[redacted]@github.example/api/v3")
        #expect(CredentialRedaction.urls(in: "clone https://x-access-token:t0k@github.com/o/r.git and http://h/") ==
            "clone https://[redacted]@github.com/o/r.git and http://h/")
        #expect(CredentialRedaction.urls(in: "git@github.com:o/r.git") == "git@github.com:o/r.git")
    }

    @Test("repository settings are read per owner/name")
    func repositories() throws {
        let config = try DayshiftConfiguration.parse(yaml: """
            repositories:
              octo/hello:
                clone_url: file:///tmp/hello.git
                base_branch: develop
                setup_command: make deps
                test_command: make check
                on_open: true
            """, environment: [:])
        let settings = config.repository("octo/hello")
        #expect(settings.cloneURL == "file:///tmp/hello.git")
        #expect(settings.baseBranch == "develop")
        #expect(settings.setupCommand == "make deps")
        #expect(settings.testCommand == "make check")
        #expect(settings.onOpen)
        #expect(config.repository("octo/other") == RepositorySettings())
    }

    @Test("environment variables override the file")
    func environment() throws {
        let config = try DayshiftConfiguration.parse(yaml: "data_dir: /from/file\ngithub:\n  api_url: http://file.example\n", environment: [
            "DAYSHIFT_DATA_DIR": "/from/env", "DAYSHIFT_WEBHOOK_SECRET": "s3", "DAYSHIFT_GITHUB_TOKEN": "tok",
            "DAYSHIFT_GITHUB_API_URL": "http://127.0.0.1:9", "DAYSHIFT_FAILPOINTS": "publish:after, agent:before",
        ])
        #expect(config.dataDirectory == "/from/env")
        #expect(config.webhook.secret == "s3")
        #expect(config.github.token == "tok")
        #expect(config.github.apiURL == "http://127.0.0.1:9")
        #expect(config.failPoints == ["publish:after", "agent:before"])
    }

    @Test("a GitHub App comes from DAYSHIFT_GITHUB_APP_ID and the key file DAYSHIFT_GITHUB_PRIVATE_KEY_FILE names")
    func appFromEnvironment() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dayshift-key-\(UUID().uuidString).pem")
        try Data("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let config = try DayshiftConfiguration.parse(yaml: "", environment: ["DAYSHIFT_GITHUB_APP_ID": "77", "DAYSHIFT_GITHUB_PRIVATE_KEY_FILE": file.path])
        #expect(config.github.usesApp)
        #expect(config.github.appID == "77")
        #expect(config.github.privateKeyPEM.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
        #expect(throws: ConfigurationError.self) {
            try DayshiftConfiguration.parse(yaml: "", environment: ["DAYSHIFT_GITHUB_APP_ID": "77"])
        }
    }

    @Test("a bad config fails with one line naming the key", arguments: [
        ("server:\n  port: http\n", "server.port"),
        ("server:\n  prot: 80\n", "server.prot"),
        ("webhook:\n  secret: hunter2\n", "webhook.secret"),
        ("github:\n  token: ghp_x\n", "github.token"),
        ("github:\n  api_url: ftp://x\n", "github.api_url"),
        ("sandbox:\n  provider: docker\n", "sandbox.provider"),
        ("repositories:\n  octo/hello:\n    on_open: maybe\n", "repositories.\"octo/hello\".on_open"),
        ("repositories:\n  just-a-name:\n    on_open: true\n", "repositories.just-a-name"),
        ("triggers:\n  allowed_associations: OWNER\n", "triggers.allowed_associations"),
        ("failpoints: [explode:now]\n", "failpoints"),
        ("server: [1, 2]\n", "server"),
        ("git:\n  branch_prefix: \"it's/\"\n", "git.branch_prefix"),
        ("agent:\n  command: \"\"\n", "agent.command"),
        ("agent:\n  pass_environment: [DAYSHIFT_GITHUB_TOKEN]\n", "agent.pass_environment"),
        ("triggers:\n  label: \"\"\n", "triggers.label"),
        ("triggers:\n  command: \"/day\\tshift\"\n", "triggers.command"),
        ("data_dir: \"\"\n", "data_dir"),
        ("github:\n  app_id: 12\n", "github.private_key_file"),
        ("git:\n  author_name: Bot\n", "git.author_name"),
        ("github:\n  private_key: hunter2\n", "github.private_key"),
        ("github:\n  private_key_file: /nonexistent/app.pem\n", "github.private_key_file"),
        ("github:\n  allowed_repositories: [acme]\n", "github.allowed_repositories"),
        ("github:\n  writes_per_minute: -1\n", "github.writes_per_minute"),
        ("pull_request:\n  draft_on_test_failure: sometimes\n", "pull_request.draft_on_test_failure"),
        ("store:\n  password: hunter2\n", "store.password"),
        ("store:\n  single_replica: perhaps\n", "store.single_replica"),
        ("store:\n  uri: postgres://x@y/z\n", "store.uri"),
    ])
    func badConfig(yaml: String, key: String) {
        do {
            _ = try DayshiftConfiguration.parse(yaml: yaml, environment: [:])
            Issue.record("expected an error for \(key)")
        } catch let error as ConfigurationError {
            #expect(error.key == key)
            #expect(!error.description.contains("\n"))
            #expect(!error.description.contains("hunter2"))
            #expect(!error.description.contains("ghp_x"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
