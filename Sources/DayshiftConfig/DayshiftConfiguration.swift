import DayshiftCore
import Foundation
import Yams

/// Everything Dayshift reads at start, after the YAML file and the environment are merged.
///
/// Sources, later ones winning: built-in defaults, the YAML file (`--config`, else
/// `DAYSHIFT_CONFIG`, else none), then these environment variables:
///
/// | variable | key |
/// |---|---|
/// | `DAYSHIFT_DATA_DIR` | `data_dir` |
/// | `DAYSHIFT_STORE_URL` | `store.url` |
/// | `DAYSHIFT_STORE_PASSWORD` | the PostgreSQL password (never in YAML; or `store.password_file`, `DAYSHIFT_STORE_PASSWORD_FILE`) |
/// | `DAYSHIFT_WEBHOOK_SECRET` | the webhook secret (never in YAML; or `webhook.secret_file`) |
/// | `DAYSHIFT_GITHUB_TOKEN` | a personal access token (never in YAML; or `github.token_file`) |
/// | `DAYSHIFT_OPERATOR_TOKEN` | the operator API's bearer token (never in YAML; or `server.operator_token_file`) |
/// | `DAYSHIFT_GITHUB_APP_ID` | `github.app_id` |
/// | `DAYSHIFT_GITHUB_PRIVATE_KEY_FILE` | the App's private key file (or `github.private_key_file`) |
/// | `DAYSHIFT_WEBHOOK_SECRET_FILE`, `DAYSHIFT_OPERATOR_TOKEN_FILE`, `DAYSHIFT_GITHUB_TOKEN_FILE`, `DAYSHIFT_DAYTONA_API_KEY_FILE`, `DAYSHIFT_ANTHROPIC_API_KEY_FILE`, `DAYSHIFT_OPENAI_API_KEY_FILE`, `DAYSHIFT_STORE_PASSWORD_FILE` | files holding secrets, like the `*_file` keys (see `SecretFileVariable`) |
/// | `DAYSHIFT_GITHUB_API_URL` | `github.api_url` |
/// | `DAYSHIFT_DAYTONA_API_KEY` | the Daytona API key (never in YAML; or `sandbox.daytona.api_key_file`) |
/// | `DAYSHIFT_FAILPOINTS` | `failpoints` |
/// | `DAYSHIFT_AGENT_PROFILE` | `agent.profile` |
/// | `DAYSHIFT_SANDBOX_ISOLATION` | `sandbox.local.isolation` |
/// | `DAYSHIFT_MAX_CONCURRENT_RUNS` | `runtime.max_concurrent_runs` |
/// | `DAYSHIFT_DAILY_RUNS` | `budgets.daily_runs` |
/// | `DAYSHIFT_DAILY_COST_USD` | `budgets.daily_cost_usd` |
/// | `ANTHROPIC_API_KEY` | the Anthropic key the LLM proxy uses (never in YAML; or `llm.anthropic.api_key_file`) |
/// | `OPENAI_API_KEY` | the OpenAI-compatible key the LLM proxy uses (never in YAML; or `llm.openai.api_key_file`) |
///
/// `Config/dayshift.yaml` documents every key with its default.
public struct DayshiftConfiguration: Sendable {
    public var server = ServerSettings()
    /// Directory for the SQLite database and local sandboxes. Default `./dayshift-data`.
    public var dataDirectory = "./dayshift-data"
    public var webhook = WebhookSettings()
    public var triggers = TriggerSettings()
    public var github = GitHubSettings()
    public var sandbox = SandboxSettings()
    public var agent = AgentSettings()
    public var steps = StepSettings()
    public var pullRequest = PullRequestSettings()
    public var git = GitSettings()
    public var runtime = RuntimeSettings()
    public var llm = LLMSettings()
    public var retention = RetentionSettings()
    public var store = StoreLocation()
    public var budgets = BudgetSettings()
    /// Per-repository settings, keyed by `owner/name`.
    public var repositories: [String: RepositorySettings] = [:]
    /// Crash-injection points such as `publish:after` (see ``FailPoint``). Default: none.
    public var failPoints: [String] = []
    /// Files the server read its configuration and secrets from (the YAML file, `*_file` keys), as
    /// given; the local runner hides them from sandboxes. Filled by ``load(file:environment:)``.
    public var sourceFiles: [String] = []

    public init() {}

    /// The settings for `owner/name`, or the defaults when the repository is not listed.
    public func repository(_ fullName: String) -> RepositorySettings {
        repositories[fullName] ?? repositories.first { $0.key.lowercased() == fullName.lowercased() }?.value ?? RepositorySettings()
    }
}

/// `server.*`
public struct ServerSettings: Sendable, Equatable {
    /// `server.host`, default `127.0.0.1`.
    public var host = "127.0.0.1"
    /// `server.port`, default `8080`.
    public var port = 8080
    /// `server.max_body_bytes`: largest webhook body accepted, in bytes; default 25 MiB (GitHub's cap).
    public var maxBodyBytes = 25 * 1024 * 1024
    /// `server.shutdown_grace_seconds`: on SIGTERM, how long running steps may take to reach their
    /// next journal point before they are interrupted; default 30.
    public var shutdownGraceSeconds = 30.0
    /// The bearer token of the operator API (`/api/v1`), from `DAYSHIFT_OPERATOR_TOKEN` or
    /// `server.operator_token_file`; empty: the server has no operator routes.
    public var operatorToken = ""
    public init() {}
}

/// `webhook.*`
public struct WebhookSettings: Sendable, Equatable {
    /// The shared secret for `X-Hub-Signature-256`, from `DAYSHIFT_WEBHOOK_SECRET` or `webhook.secret_file`.
    /// Empty means "not configured": every delivery is then refused with 401.
    public var secret = ""
    public init() {}
}

/// `triggers.*`
public struct TriggerSettings: Sendable, Equatable {
    /// `triggers.label`: the label that starts a run, default `dayshift`.
    public var label = "dayshift"
    /// `triggers.command`: the comment command word, default `/dayshift`.
    public var command = "/dayshift"
    /// `triggers.allowed_associations`: comment authors allowed to command; default OWNER, MEMBER, COLLABORATOR.
    public var allowedAssociations = ["OWNER", "MEMBER", "COLLABORATOR"]
    /// `triggers.allowed_bots`: logins of bots (e.g. `renovate[bot]`) whose labels, assignments and
    /// comments may trigger; default none. Dayshift's own App never triggers itself.
    public var allowedBots: [String] = []
    /// `triggers.minimum_permission`: the sender's least repository role for a command, mention or
    /// assignment (`read`, `triage`, `write`, `maintain`, `admin`); default `write`.
    public var minimumPermission = "write"
    /// `triggers.label_minimum_permission`: the least role for a label trigger; default `triage`
    /// (the role meant for labelling).
    public var labelMinimumPermission = "triage"
    /// `triggers.permission_cache_seconds`: how long a sender's permission answer is reused; default 300.
    public var permissionCacheSeconds = 300.0
    /// `triggers.max_runs_per_issue_per_hour`: runs one issue may start in any hour; default 6, 0 = no cap.
    public var maxRunsPerIssuePerHour = 6
    public init() {}
}

/// `github.*`
public struct GitHubSettings: Sendable, Equatable {
    /// `github.api_url`, default `https://api.github.com` (override with `DAYSHIFT_GITHUB_API_URL`).
    public var apiURL = "https://api.github.com"
    /// A personal access token, from `DAYSHIFT_GITHUB_TOKEN` or `github.token_file`: for one
    /// repository without a GitHub App. Ignored when an App is configured.
    public var token = ""
    /// `github.app_id` (or `DAYSHIFT_GITHUB_APP_ID`): the GitHub App's id or client id, the JWT's `iss`.
    /// Set with a private key, Dayshift authenticates as that App with installation access tokens.
    public var appID: String?
    /// `github.app_slug` (or `DAYSHIFT_GITHUB_APP_SLUG`): the App's slug (`GET /app` → `slug`), for
    /// `@<slug>` mentions and assignment to `<slug>[bot]`; default empty (both off).
    public var appSlug = ""
    /// `github.bot_user_id` (or `DAYSHIFT_GITHUB_BOT_USER_ID`): the App's bot user's id
    /// (`GET /users/<slug>[bot]` → `id`), by which Dayshift recognises its own comments and
    /// assignments; default 0 (unknown: only `performed_via_github_app` is recognised).
    public var botUserID: Int64 = 0
    /// The App's private key (PEM, PKCS#1 or PKCS#8), read from `DAYSHIFT_GITHUB_PRIVATE_KEY_FILE`
    /// or `github.private_key_file`; never from YAML.
    public var privateKeyPEM = ""
    /// True when both ``appID`` and ``privateKeyPEM`` are set.
    public var usesApp: Bool { appID != nil && !privateKeyPEM.isEmpty }
    /// `github.request_timeout_seconds`, default 30.
    public var requestTimeoutSeconds = 30.0
    /// `github.writes_per_minute`: content-creating requests (blobs, trees) per minute once a large
    /// change has sent its first 60, to stay under GitHub's secondary limits; default 150, 0 = unpaced.
    public var writesPerMinute = 150
    /// `github.comment_edit_interval_seconds`: the fewest seconds between two edits of a run's
    /// tracking comment (edits in between are coalesced; the final one always lands); default 10
    /// (override with `DAYSHIFT_GITHUB_COMMENT_EDIT_INTERVAL_SECONDS`).
    public var commentEditIntervalSeconds = 10.0
    /// `github.check_runs`: when true, a check run named `dayshift` on the pull request's head
    /// commit carries the tests' results (needs the App's `checks: write`); default false
    /// (override with `DAYSHIFT_GITHUB_CHECK_RUNS`).
    public var checkRuns = false
    /// `github.allowed_owners`: glob patterns (`acme`, `acme-*`) of the accounts whose repositories
    /// Dayshift works on; empty (the default) allows every owner.
    public var allowedOwners: [String] = []
    /// `github.allowed_repositories`: glob patterns (`acme/*`, `octo/hello`) of the repositories
    /// Dayshift works on; empty (the default) allows every repository.
    public var allowedRepositories: [String] = []
    public init() {}
}

/// `sandbox.*`
public struct SandboxSettings: Sendable, Equatable {
    /// `sandbox.provider`: `local` (the embedded runner, default) or `daytona`.
    public var provider = "local"
    /// `sandbox.local.root`: where local sandboxes live; default `<data_dir>/sandboxes`.
    public var localRoot: String?
    /// `sandbox.local.*`: isolation, visible paths, network and limits of the local runner.
    public var local = LocalSandboxSettings()
    public var daytona = DaytonaSettings()
    /// `sandbox.reaper.interval_seconds`: how often leaked sandboxes are looked for; default 300.
    public var reaperIntervalSeconds = 300.0
    /// `sandbox.reaper.grace_seconds`: a leaked sandbox younger than this is left alone; default 600.
    public var reaperGraceSeconds = 600.0
    public init() {}
}

/// `sandbox.daytona.*`: Daytona's REST API (`../shared/reference/daytona.md`).
public struct DaytonaSettings: Sendable, Equatable {
    /// `api_url`, default `https://app.daytona.io/api` (the `/api` prefix included).
    public var apiURL = "https://app.daytona.io/api"
    /// The API key, from `DAYSHIFT_DAYTONA_API_KEY` or `sandbox.daytona.api_key_file`; never from YAML.
    public var apiKey = ""
    /// `snapshot`: the snapshot sandboxes are created from; default none (Daytona's default snapshot).
    public var snapshot: String?
    /// `target`: the region, e.g. `us` or `eu`; default none (the organization's default).
    public var target: String?
    /// `auto_stop_minutes`, default 60 (0 disables).
    public var autoStopMinutes = 60
    /// `auto_archive_minutes`, default 1440.
    public var autoArchiveMinutes = 1440
    /// `auto_delete_minutes`, default 2880 (-1 never); a safety net if cleanup never runs.
    public var autoDeleteMinutes = 2880
    /// `network_block_all`, default false.
    public var networkBlockAll = false
    /// `network_allow_list`: CIDRs, comma-separated; default none.
    public var networkAllowList: String?
    /// `env`: environment variables set in every sandbox; default none.
    public var environment: [String: String] = [:]
    /// `request_timeout_seconds`: per REST call (create waits up to 30 s server-side), default 60.
    public var requestTimeoutSeconds = 60.0
    /// `start_timeout_seconds`: how long to wait for `started` after create or start, default 120.
    public var startTimeoutSeconds = 120.0
    public init() {}
}

/// `agent.*`
public struct AgentSettings: Sendable, Equatable {
    /// `agent.command`: a shell command run in the clone; the prompt's path is in `DAYSHIFT_PROMPT_FILE`.
    /// Default: Claude Code reading the prompt on standard input.
    public var command = #"claude --print --permission-mode acceptEdits < "$DAYSHIFT_PROMPT_FILE""#
    /// `agent.timeout_seconds`, default 1800.
    public var timeoutSeconds = 1800.0
    /// `agent.pass_environment`: names of server environment variables handed to the agent. Default none.
    /// A model key (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY`, or any value equal to a key in `llm.*`)
    /// is left out unless ``allowKeyInSandbox``: the agent reaches its model through the LLM proxy.
    public var passEnvironment: [String] = []
    /// `agent.proxy_public_url`: the root URL at which a sandbox reaches this server's LLM proxy,
    /// e.g. `https://dayshift.example.com`. Default none: `http://127.0.0.1:<bound port>` for the
    /// local runner; with `sandbox.provider: daytona` there is then no proxy for the agent.
    public var proxyPublicURL: String?
    /// `agent.allow_key_in_sandbox`: hand the real model keys named in `pass_environment` into the
    /// sandbox; default false. Only needed for Daytona sandboxes that cannot reach the proxy.
    public var allowKeyInSandbox = false
    /// `agent.profile` (or `DAYSHIFT_AGENT_PROFILE`): `claude-code` (the default), `codex`, `aider`,
    /// or `command` (runs ``command``; chosen when a configuration file sets `agent.command` and no
    /// profile). Overridable per repository (`agent_profile`).
    public var profile = AgentProfileName.claudeCode
    /// `agent.executable`: the profile's program, a name on the sandbox's `PATH` or an absolute
    /// path; default `claude`, `codex` or `aider` by profile (unused by `command`).
    public var executable: String?
    /// `agent.model`: the model the agent asks for (`--model`); default none (the agent's own default).
    public var model: String?
    /// `agent.max_turns`: turns the agent may take (Claude Code's `--max-turns`); default 50, 0 = no limit.
    public var maxTurns = 50
    /// `agent.max_cost_usd`: US dollars one run's agent may spend, from its transcript or the LLM
    /// proxy's metering, whichever is higher; default 0 = no limit.
    public var maxCostUSD = 0.0
    /// `agent.allowed_tools`: Claude Code tools allowed without asking (`--allowedTools`). Default
    /// the file tools; Dayshift adds `Bash(<test command>)` so the agent can run the tests.
    public var allowedTools = ["Read", "Edit", "MultiEdit", "Write", "Glob", "Grep", "LS", "TodoWrite"]
    /// `agent.disallowed_tools`: Claude Code tools refused (`--disallowedTools`); default `WebFetch`, `WebSearch`.
    public var disallowedTools = ["WebFetch", "WebSearch"]
    /// `agent.permission_mode`: Claude Code's `--permission-mode`; default `acceptEdits`.
    public var permissionMode = "acceptEdits"
    public init() {}

    /// The program the profile runs: ``executable``, else the profile's usual name.
    public func program(for profile: AgentProfileName) -> String {
        if let executable { return executable }
        switch profile {
        case .command: return ""
        case .claudeCode: return "claude"
        case .codex: return "codex"
        case .aider: return "aider"
        }
    }
}

/// `steps.*`
public struct StepSettings: Sendable, Equatable {
    /// `steps.setup_timeout_seconds`, default 900.
    public var setupTimeoutSeconds = 900.0
    /// `steps.test_timeout_seconds`, default 900.
    public var testTimeoutSeconds = 900.0
    /// `steps.output_tail_lines`: lines of test output kept for the PR body, default 30.
    public var outputTailLines = 30
    /// `steps.retry.default`: attempts 3, base 2 s, cap 60 s.
    public var defaultRetry = RetryPolicy()
    /// `steps.retry.<step>`: overrides per step.
    public var retry: [StepName: RetryPolicy] = [:]
    public init() {}

    /// The retry policy for `step`.
    public func retryPolicy(for step: StepName) -> RetryPolicy { retry[step] ?? defaultRetry }
}

/// `pull_request.*`
public struct PullRequestSettings: Sendable, Equatable {
    /// `pull_request.draft_on_test_failure`: open the pull request as a draft when the tests still
    /// fail after the change; default true.
    public var draftOnTestFailure = true
    /// `pull_request.labels`: labels added to every pull request Dayshift opens; default none.
    public var labels: [String] = []
    /// `pull_request.reviewers`: GitHub logins asked to review; default none.
    public var reviewers: [String] = []
    public init() {}
}

/// `runtime.*`: the issue-object runtime.
public struct RuntimeSettings: Sendable, Equatable {
    /// `runtime.idle_eviction_seconds`: an issue object idle this long leaves memory (hibernates);
    /// its next message or alarm brings it back from SQLite. Default 120.
    public var idleEvictionSeconds = 120.0
    /// `runtime.poll_interval_seconds`: how often the inbox and alarms are scanned as a safety net; default 1.
    public var pollIntervalSeconds = 1.0
    /// `runtime.max_concurrent_runs`: runs that may hold a sandbox (provision through cleanup) at
    /// once across the server; the others wait in a fair queue (FIFO per installation, round-robin
    /// across installations). Default 4; `DAYSHIFT_MAX_CONCURRENT_RUNS`.
    public var maxConcurrentRuns = 4
    /// `runtime.lease_seconds`: on a store several replicas share, how long an issue object's
    /// lease lasts unless its replica renews it (it does, every third of this). A replica that
    /// dies holds its issue objects this long at most; then the others resume its runs. Default 30.
    public var leaseSeconds = 30.0
    public init() {}
}

/// `budgets.*`: daily budgets, applied to each repository and to each GitHub App installation per
/// UTC day. A trigger over one is refused (no run starts) and the issue is told once that day.
public struct BudgetSettings: Sendable, Equatable {
    /// `budgets.daily_runs`: runs that may start per repository, and per installation, per UTC
    /// day; 0 (the default) means no limit. `DAYSHIFT_DAILY_RUNS`.
    public var dailyRuns = 0
    /// `budgets.daily_cost_usd`: US dollars the runs started that day may spend on models (as
    /// metered by the LLM proxy), per repository and per installation; 0 (the default) means no
    /// limit. `DAYSHIFT_DAILY_COST_USD`.
    public var dailyCostUSD = 0.0
    public init() {}

    /// The budgets as the store checks them.
    public var daily: DailyBudget { DailyBudget(runs: dailyRuns, costUSD: dailyCostUSD) }
}

/// `store.*`: where Dayshift keeps its state.
public struct StoreLocation: Sendable, Equatable {
    /// `store.url`: empty (the default) keeps everything in SQLite at `<data_dir>/dayshift.sqlite`
    /// (one server); `postgres://USER@HOST:PORT/DATABASE[?sslmode=disable|prefer|require]` (or
    /// `?host=/socket/directory`) shares one PostgreSQL database between several replicas.
    /// `DAYSHIFT_STORE_URL`.
    public var url = ""
    /// The PostgreSQL password, from `DAYSHIFT_STORE_PASSWORD`, `DAYSHIFT_STORE_PASSWORD_FILE` or
    /// `store.password_file` (never from the YAML file itself nor from the URL).
    public var password = ""
    /// `store.single_replica`: the operator's word that only one server uses this PostgreSQL
    /// database, which lets it use the local sandbox runner (whose sandboxes live on one machine's
    /// disk), and lets a restarted server resume its runs at once instead of waiting for its
    /// earlier leases to expire. Default false.
    public var singleReplica = false

    public init() {}

    /// Whether state lives in a database several replicas may share (`store.url` is set).
    public var isShared: Bool { !url.isEmpty }

    /// Whether several replicas may actually use the store at once: it is shared and the operator
    /// did not say otherwise (`store.single_replica`). Issue objects then hold expiring leases.
    public var replicasMayShareIt: Bool { isShared && !singleReplica }
}

/// `retention.*`: how long stored deliveries and run journals are kept. 0 keeps them forever.
public struct RetentionSettings: Sendable, Equatable {
    /// `retention.deliveries_days`: deliveries that reached an issue object (and their payloads)
    /// are deleted this many days after they arrived; default 30.
    public var deliveriesDays = 30
    /// `retention.ignored_deliveries_days`: deliveries intake ignored, sooner; default 7.
    public var ignoredDeliveriesDays = 7
    /// `retention.runs_days`: the step journals (outputs, results, errors) of runs that finished
    /// this many days ago are deleted; default 90.
    public var runsDays = 90
    /// `retention.interval_seconds`: how often the pruning pass runs; default 3600.
    public var intervalSeconds = 3600.0
    public init() {}
}

/// `git.*`
public struct GitSettings: Sendable, Equatable {
    /// `git.branch_prefix`, default `dayshift/issue-`.
    public var branchPrefix = "dayshift/issue-"
    public init() {}
}

/// `repositories."owner/name".*`
public struct RepositorySettings: Sendable, Equatable {
    /// `clone_url`: overrides the payload's clone URL (e.g. a `file://` URL).
    public var cloneURL: String?
    /// `base_branch`: the PR base; default the repository's default branch from the payload.
    public var baseBranch: String?
    /// `setup_command`: run once after cloning; default none.
    public var setupCommand: String?
    /// `test_command`: default detected from the files in the clone.
    public var testCommand: String?
    /// `on_open`: start a run when an issue is opened; default false.
    public var onOpen = false
    /// `agent_profile`: this repository's agent profile; default `agent.profile`.
    public var agentProfile: AgentProfileName?
    public init() {}
}

extension DayshiftConfiguration {
    /// Reads the configuration.
    /// - Parameters:
    ///   - file: path of the YAML file; `nil` uses `DAYSHIFT_CONFIG`, else defaults only.
    ///   - environment: the process environment (tests pass their own).
    /// - Throws: ``ConfigurationError`` naming the key, for any bad value, unknown key or unreadable file.
    public static func load(file: String?, environment: [String: String]) throws -> DayshiftConfiguration {
        let path = file ?? environment["DAYSHIFT_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        var text = ""
        if let path {
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigurationError(key: "(file)", problem: "cannot read \(path)")
            }
        }
        var configuration = try parse(yaml: text, environment: environment)
        if let path { configuration.sourceFiles.insert(path, at: 0) }
        return configuration
    }

    /// Parses YAML text and applies the environment overrides.
    /// - Throws: ``ConfigurationError`` naming the key.
    public static func parse(yaml: String, environment: [String: String]) throws -> DayshiftConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigurationError(key: "(file)", problem: "not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        var config = try ConfigurationReader.read(root)
        try config.applyEnvironment(environment)
        return config
    }

    mutating func applyEnvironment(_ environment: [String: String]) throws {
        func value(_ name: String) -> String? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            return text
        }
        if let dir = value("DAYSHIFT_DATA_DIR") { dataDirectory = dir }
        if let url = value("DAYSHIFT_STORE_URL") { store.url = url }
        if let password = value("DAYSHIFT_STORE_PASSWORD") { store.password = password }
        if let secret = value("DAYSHIFT_WEBHOOK_SECRET") { webhook.secret = secret }
        if let token = value("DAYSHIFT_GITHUB_TOKEN") { github.token = token }
        if let token = value("DAYSHIFT_OPERATOR_TOKEN") { server.operatorToken = token }
        if let id = value("DAYSHIFT_GITHUB_APP_ID") { github.appID = id }
        if let slug = value("DAYSHIFT_GITHUB_APP_SLUG") { github.appSlug = slug }
        if let text = value("DAYSHIFT_GITHUB_BOT_USER_ID") {
            guard let id = Int64(text), id >= 0 else {
                throw ConfigurationError(key: "github.bot_user_id", problem: "expected a user id (DAYSHIFT_GITHUB_BOT_USER_ID), got \"\(text.prefix(40))\"")
            }
            github.botUserID = id
        }
        // Files named by DAYSHIFT_*_FILE hold secrets too: hidden from sandboxes like the `*_file` keys.
        for (name, file) in environment where name.hasPrefix("DAYSHIFT_") && name.hasSuffix("_FILE") && !file.isEmpty && !sourceFiles.contains(file) {
            sourceFiles.append(file)
        }
        if let url = value("DAYSHIFT_GITHUB_API_URL") { github.apiURL = url }
        if let text = value("DAYSHIFT_GITHUB_COMMENT_EDIT_INTERVAL_SECONDS") {
            guard let seconds = Double(text), seconds >= 0, seconds <= 3600 else {
                throw ConfigurationError(key: "github.comment_edit_interval_seconds",
                                         problem: "expected a number of seconds from 0 to 3600 (DAYSHIFT_GITHUB_COMMENT_EDIT_INTERVAL_SECONDS), got \"\(text)\"")
            }
            github.commentEditIntervalSeconds = seconds
        }
        if let text = value("DAYSHIFT_GITHUB_CHECK_RUNS") {
            guard let flag = ["true": true, "false": false][text.lowercased()] else {
                throw ConfigurationError(key: "github.check_runs", problem: "expected true or false (DAYSHIFT_GITHUB_CHECK_RUNS), got \"\(text)\"")
            }
            github.checkRuns = flag
        }
        if let key = value("DAYSHIFT_DAYTONA_API_KEY") { sandbox.daytona.apiKey = key }
        try applySecretFiles(environment)
        if let isolation = value("DAYSHIFT_SANDBOX_ISOLATION") {
            guard ["bubblewrap", "none"].contains(isolation) else {
                throw ConfigurationError(key: "sandbox.local.isolation", problem: "expected bubblewrap or none (DAYSHIFT_SANDBOX_ISOLATION), got \"\(isolation)\"")
            }
            sandbox.local.isolation = isolation
        }
        if llm.anthropic.apiKey.isEmpty, let key = value("ANTHROPIC_API_KEY") { llm.anthropic.apiKey = key }
        if llm.openai.apiKey.isEmpty, let key = value("OPENAI_API_KEY") { llm.openai.apiKey = key }
        if let text = value("DAYSHIFT_MAX_CONCURRENT_RUNS") {
            guard let slots = Int(text), (1...10_000).contains(slots) else {
                throw ConfigurationError(key: "runtime.max_concurrent_runs", problem: "expected a whole number from 1 to 10000 (DAYSHIFT_MAX_CONCURRENT_RUNS), got \"\(text)\"")
            }
            runtime.maxConcurrentRuns = slots
        }
        if let text = value("DAYSHIFT_DAILY_RUNS") {
            guard let runs = Int(text), runs >= 0 else {
                throw ConfigurationError(key: "budgets.daily_runs", problem: "expected a whole number, 0 for no limit (DAYSHIFT_DAILY_RUNS), got \"\(text)\"")
            }
            budgets.dailyRuns = runs
        }
        if let text = value("DAYSHIFT_DAILY_COST_USD") {
            guard let cost = Double(text), cost >= 0, cost.isFinite else {
                throw ConfigurationError(key: "budgets.daily_cost_usd", problem: "expected a number of US dollars, 0 for no limit (DAYSHIFT_DAILY_COST_USD), got \"\(text)\"")
            }
            budgets.dailyCostUSD = cost
        }
        if let name = value("DAYSHIFT_AGENT_PROFILE") {
            guard let profile = AgentProfileName(rawValue: name) else {
                throw ConfigurationError(key: "agent.profile", problem: "expected one of \(AgentProfileName.allCases.map(\.rawValue).joined(separator: ", ")) (DAYSHIFT_AGENT_PROFILE), got \"\(name)\"")
            }
            agent.profile = profile
        }
        if let points = value("DAYSHIFT_FAILPOINTS") {
            failPoints = points.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        }
        try validate(environmentKeys: true)
    }

    func validate(environmentKeys: Bool) throws {
        if !server.operatorToken.isEmpty, server.operatorToken.count < 16 {
            throw ConfigurationError(key: "server.operator_token_file", problem:
                "the operator token (DAYSHIFT_OPERATOR_TOKEN or the file) is shorter than 16 characters; make one with `openssl rand -hex 32`")
        }
        if github.appID != nil, github.privateKeyPEM.isEmpty {
            throw ConfigurationError(key: "github.private_key_file", problem: "github.app_id is set but there is no private key (DAYSHIFT_GITHUB_PRIVATE_KEY_FILE or github.private_key_file)")
        }
        if github.appID == nil, !github.privateKeyPEM.isEmpty {
            throw ConfigurationError(key: "github.app_id", problem: "a private key is set but not the App's id (github.app_id or DAYSHIFT_GITHUB_APP_ID)")
        }
        guard let url = URL(string: github.apiURL), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ConfigurationError(key: "github.api_url", problem: "expected an http(s) URL, got \"\(CredentialRedaction.urls(in: github.apiURL))\"")
        }
        if sandbox.provider == "daytona" {
            guard let url = URL(string: sandbox.daytona.apiURL), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw ConfigurationError(key: "sandbox.daytona.api_url", problem: "expected an http(s) URL, got \"\(sandbox.daytona.apiURL)\"")
            }
            if sandbox.daytona.apiKey.isEmpty {
                throw ConfigurationError(key: "sandbox.daytona.api_key_file", problem: "sandbox.provider is daytona but no API key is set (DAYSHIFT_DAYTONA_API_KEY or sandbox.daytona.api_key_file)")
            }
        }
        for point in failPoints where FailPoint(point) == nil {
            throw ConfigurationError(key: "failpoints", problem: "expected entries like publish:after or agent:before, got \"\(point)\"")
        }
    }
}
