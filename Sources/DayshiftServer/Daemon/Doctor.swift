import DayshiftConfig
import DayshiftCore
import Foundation
import GitHub
import IssueObjects
import Logging
import Sandboxes
import Store

/// `dayshift doctor`: checks what `serve` will need, one verdict per line, without starting a
/// server or changing the database (with the local runner it creates `data_dir` as `serve`
/// would, for the sandbox it tries): the data directory and its schema, each secret's presence
/// (never its value), GitHub reachability and authentication, the sandbox provider (Daytona's API
/// key; the local runner's isolation), and the agent's executable inside a real sandbox.
public struct Doctor: Sendable {
    /// One line of the report.
    public struct Verdict: Sendable, Equatable, CustomStringConvertible {
        public enum Level: String, Sendable { case ok, note, fail }
        public var level: Level
        public var subject: String
        public var detail: String

        public init(level: Level, subject: String, detail: String) {
            self.level = level
            self.subject = subject
            self.detail = detail
        }

        /// `ok    webhook secret: set`, `FAIL  GitHub: …`.
        public var description: String {
            let label = level == .fail ? "FAIL" : level.rawValue
            return "\(label.padding(toLength: 6, withPad: " ", startingAt: 0))\(subject): \(CredentialRedaction.urls(in: detail))"
        }
    }

    let configuration: DayshiftConfiguration
    let logger: Logger

    public init(configuration: DayshiftConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs every check in order; GitHub and sandbox checks make real requests (time-limited by
    /// `github.request_timeout_seconds` and the sandbox settings).
    public func run() async -> [Verdict] {
        var verdicts = dataDirectory()
        if configuration.store.isShared { verdicts.append(await postgres()) }
        verdicts += secrets()
        verdicts.append(await github())
        verdicts += await sandbox()
        return verdicts
    }

    func dataDirectory() -> [Verdict] {
        let directory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            let parent = directory.deletingLastPathComponent().path
            return FileManager.default.isWritableFile(atPath: parent)
                ? [Verdict(level: .ok, subject: "data_dir", detail: "\(directory.path) does not exist yet; serve creates it (0700)")]
                : [Verdict(level: .fail, subject: "data_dir", detail: "\(directory.path) does not exist and \(parent) is not writable")]
        }
        guard isDirectory.boolValue else { return [Verdict(level: .fail, subject: "data_dir", detail: "\(directory.path) is not a directory")] }
        guard FileManager.default.isWritableFile(atPath: directory.path) else {
            return [Verdict(level: .fail, subject: "data_dir", detail: "\(directory.path) is not writable")]
        }
        if configuration.store.isShared { return [] }
        do {
            guard let schema = try Store.inspect(directory: directory) else {
                return [Verdict(level: .ok, subject: "database", detail: "none yet in \(directory.path); serve creates it")]
            }
            if schema.pending.isEmpty {
                return [Verdict(level: .ok, subject: "database", detail: "schema version \(schema.applied.count) (\(schema.applied.last ?? "")), current")]
            }
            return [Verdict(level: .note, subject: "database", detail: "schema version \(schema.applied.count); \(schema.pending.count) migrations to apply (serve or migrate applies them)")]
        } catch {
            return [Verdict(level: .fail, subject: "database", detail: "\(directory.appendingPathComponent("dayshift.sqlite").path) cannot be read (\(error))")]
        }
    }

    /// The PostgreSQL database `store.url` names: reachable, logged in, its schema (nothing is changed).
    func postgres() async -> Verdict {
        if let refusal = StoreOpening.localRunnerRefusal(configuration) {
            return Verdict(level: .fail, subject: "database", detail: "\(refusal)")
        }
        do {
            let password = configuration.store.password.isEmpty ? nil : configuration.store.password
            let schema = try await Store.inspect(postgres: try PostgresConnectionSettings.parse(url: configuration.store.url, password: password), logger: logger)
            if schema.pending.isEmpty {
                return Verdict(level: .ok, subject: "database", detail: "PostgreSQL, schema version \(schema.applied.count) (\(schema.applied.last ?? "")), current")
            }
            return Verdict(level: .note, subject: "database", detail: "PostgreSQL, schema version \(schema.applied.count); \(schema.pending.count) migrations to apply (serve or migrate applies them)")
        } catch {
            return Verdict(level: .fail, subject: "database", detail: "store.url cannot be used: \(StoreOpening.detail(error, password: configuration.store.password))")
        }
    }

    func secrets() -> [Verdict] {
        var verdicts: [Verdict] = []
        let webhook = configuration.webhook.secret.trimmingCharacters(in: .whitespacesAndNewlines)
        verdicts.append(webhook.isEmpty
            ? Verdict(level: .fail, subject: "webhook secret", detail: "not set (DAYSHIFT_WEBHOOK_SECRET, DAYSHIFT_WEBHOOK_SECRET_FILE or webhook.secret_file)")
            : Verdict(level: .ok, subject: "webhook secret", detail: "set"))
        let github = configuration.github
        if github.usesApp {
            verdicts.append(Verdict(level: .ok, subject: "GitHub credentials", detail: "App \(github.appID ?? "") with a private key"))
        } else if !github.token.isEmpty {
            verdicts.append(Verdict(level: .ok, subject: "GitHub credentials", detail: "a personal access token (a GitHub App is recommended)"))
        } else {
            verdicts.append(Verdict(level: .fail, subject: "GitHub credentials", detail:
                "none (DAYSHIFT_GITHUB_APP_ID with DAYSHIFT_GITHUB_PRIVATE_KEY_FILE, or DAYSHIFT_GITHUB_TOKEN)"))
        }
        verdicts.append(configuration.server.operatorToken.isEmpty
            ? Verdict(level: .note, subject: "operator token", detail: "not set: the server has no /api/v1 (DAYSHIFT_OPERATOR_TOKEN or server.operator_token_file)")
            : Verdict(level: .ok, subject: "operator token", detail: "set"))
        let models = [("Anthropic", configuration.llm.anthropic.apiKey), ("OpenAI", configuration.llm.openai.apiKey)].filter { !$0.1.isEmpty }.map(\.0)
        verdicts.append(models.isEmpty
            ? Verdict(level: .note, subject: "model keys", detail: "none: the LLM proxy cannot forward an agent's model calls (ANTHROPIC_API_KEY or OPENAI_API_KEY)")
            : Verdict(level: .ok, subject: "model keys", detail: models.joined(separator: " and ") + " set"))
        return verdicts
    }

    func github() async -> Verdict {
        let github = configuration.github
        guard github.usesApp || !github.token.isEmpty else {
            return Verdict(level: .fail, subject: "GitHub", detail: "not checked: no credentials")
        }
        guard let apiURL = URL(string: github.apiURL) else { return Verdict(level: .fail, subject: "GitHub", detail: "github.api_url is not a URL") }
        do {
            let credentials: GitHubCredentials = github.usesApp
                ? .app(appID: github.appID ?? "", privateKeyPEM: github.privateKeyPEM) : .personalAccessToken(github.token)
            let authenticator = try GitHubAuthenticator(credentials: credentials, baseURL: apiURL, timeoutSeconds: github.requestTimeoutSeconds,
                                                        retryPolicy: GitHubRetryPolicy(maxRetries: 0))
            return Verdict(level: .ok, subject: "GitHub", detail: "\(github.apiURL): \(try await authenticator.verifyCredentials())")
        } catch {
            return Verdict(level: .fail, subject: "GitHub", detail: "\(github.apiURL): \(error)")
        }
    }

    func sandbox() async -> [Verdict] {
        let provider: any SandboxProvider
        do {
            provider = try SandboxProviderFactory.make(configuration, logger: logger)
        } catch {
            return [Verdict(level: .fail, subject: "sandboxes", detail: "\(error)")]
        }
        var verdicts: [Verdict] = []
        if let local = provider as? LocalSandboxProvider {
            // The local runner keeps its sandboxes under data_dir: made as serve makes it (0700).
            try? FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
            verdicts.append(Verdict(level: .ok, subject: "sandboxes", detail: "local runner, isolation \(local.isolation.name)"))
        } else {
            do {
                let live = try await provider.find(labels: [SandboxLabels.managed: "true"])
                verdicts.append(Verdict(level: .ok, subject: "sandboxes", detail: "\(configuration.sandbox.daytona.apiURL) accepts the API key; \(live.count) Dayshift sandboxes live"))
            } catch {
                return [Verdict(level: .fail, subject: "sandboxes", detail: "\(configuration.sandbox.daytona.apiURL): \(error)")]
            }
        }
        verdicts.append(await agentExecutable(provider))
        return verdicts
    }

    /// Creates a sandbox as a run would, asks its shell for the agent command's executable and for
    /// every absolute path the command names (e.g. a script), and deletes it.
    func agentExecutable(_ provider: any SandboxProvider) async -> Verdict {
        let profile = configuration.agent.profile
        let source = profile == .command ? "agent.command" : "agent.profile \(profile.rawValue)"
        guard let executable = profile == .command ? Self.executable(of: configuration.agent.command) : configuration.agent.program(for: profile) else {
            return Verdict(level: .fail, subject: "agent", detail: "agent.command is empty")
        }
        let request = SandboxCreateRequest(name: "dayshift-doctor-\(UUID().uuidString.prefix(8).lowercased())",
                                           labels: [SandboxLabels.managed: "true", "dayshift.doctor": "true"],
                                           snapshot: configuration.sandbox.daytona.snapshot)
        do {
            let sandbox = try await provider.create(request)
            // The name goes to the shell as an argument of `command -v`, quoted: never as code.
            let quoted = "'" + executable.replacingOccurrences(of: "'", with: "'\\''") + "'"
            let result: CommandResult
            var missingPaths: [String] = []
            do {
                result = try await provider.execute(in: sandbox.id, SandboxCommand("command -v \(quoted)", timeoutSeconds: 60))
                for path in profile == .command ? Self.absolutePaths(in: configuration.agent.command) : [] {
                    let quotedPath = "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
                    if try await provider.execute(in: sandbox.id, SandboxCommand("test -e \(quotedPath)", timeoutSeconds: 60)).exitCode != 0 {
                        missingPaths.append(path)
                    }
                }
            } catch {
                try? await provider.delete(id: sandbox.id)
                throw error
            }
            try? await provider.delete(id: sandbox.id)
            guard result.exitCode == 0 else {
                return Verdict(level: .fail, subject: "agent", detail: "\(executable) (from \(source)) is not found in a sandbox; install it in the image or snapshot")
            }
            if !missingPaths.isEmpty {
                let remedy = provider is LocalSandboxProvider ? "list it in sandbox.local.read_only_paths" : "put it in the snapshot"
                return Verdict(level: .fail, subject: "agent", detail: "\(missingPaths.joined(separator: ", ")) (from agent.command) is not visible in a sandbox; \(remedy)")
            }
            return Verdict(level: .ok, subject: "agent", detail: "\(executable) found in a sandbox at \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        } catch {
            return Verdict(level: .fail, subject: "agent", detail: "could not look for \(executable) in a sandbox: \(error)")
        }
    }

    /// The words of a shell command that are absolute paths (quotes around a word are dropped).
    static func absolutePaths(in command: String) -> [String] {
        command.split(whereSeparator: \.isWhitespace).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }
            .filter { $0.hasPrefix("/") && $0.count > 1 }
    }

    /// The first word of a shell command, after any `NAME=value` assignments; nil when there is none.
    static func executable(of command: String) -> String? {
        command.split(whereSeparator: \.isWhitespace).map(String.init).first { !$0.contains("=") }
    }
}
