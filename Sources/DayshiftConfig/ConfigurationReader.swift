import DayshiftCore
import Foundation
import Yams

/// Turns the YAML tree into a ``DayshiftConfiguration``, key by key, so every error names its key.
enum ConfigurationReader {
    static func read(_ root: Node?) throws -> DayshiftConfiguration {
        var config = DayshiftConfiguration()
        let top = try ConfigNode(path: "", node: root, allowedKeys: [
            "server", "data_dir", "webhook", "triggers", "github", "sandbox", "agent", "steps", "pull_request", "git", "runtime", "repositories",
            "failpoints", "llm",
            "retention", "budgets", "store",
        ])
        // Every file a `*_file` key names holds a secret: the local runner hides them all from sandboxes.
        config.sourceFiles.append(contentsOf: secretFilePaths(in: root).filter { !config.sourceFiles.contains($0) })
        config.dataDirectory = try top.string("data_dir", default: config.dataDirectory)
        if config.dataDirectory.isEmpty { throw ConfigurationError(key: "data_dir", problem: "must not be empty") }
        config.failPoints = try top.stringList("failpoints", default: [])

        let server = try top.child("server", allowedKeys: ["host", "port", "max_body_bytes", "shutdown_grace_seconds", "operator_token", "operator_token_file"])
        try server.refuseSecret("operator_token", use: "DAYSHIFT_OPERATOR_TOKEN or server.operator_token_file")
        if let file = try server.optionalString("operator_token_file") {
            config.server.operatorToken = try readSecret(file, key: server.keyPath("operator_token_file"))
            config.sourceFiles.append(file)
        }
        config.server.shutdownGraceSeconds = try server.double("shutdown_grace_seconds", default: config.server.shutdownGraceSeconds, range: 0...3600)
        config.server.host = try server.string("host", default: config.server.host)
        config.server.port = try server.int("port", default: config.server.port, range: 0...65535)
        config.server.maxBodyBytes = try server.int("max_body_bytes", default: config.server.maxBodyBytes, range: 1024...(1 << 30))

        let webhook = try top.child("webhook", allowedKeys: ["secret", "secret_file"])
        try webhook.refuseSecret("secret", use: "DAYSHIFT_WEBHOOK_SECRET or webhook.secret_file")
        if let file = try webhook.optionalString("secret_file") {
            config.webhook.secret = try readSecret(file, key: webhook.keyPath("secret_file"))
            config.sourceFiles.append(file)
        }

        let triggers = try top.child("triggers", allowedKeys: [
            "label", "command", "allowed_associations", "allowed_bots", "minimum_permission", "label_minimum_permission",
            "permission_cache_seconds", "max_runs_per_issue_per_hour",
        ])
        config.triggers.allowedBots = try triggers.stringList("allowed_bots", default: [])
        for key in ["minimum_permission", "label_minimum_permission"] {
            let value = try triggers.string(key, default: key == "minimum_permission" ? config.triggers.minimumPermission : config.triggers.labelMinimumPermission)
            guard ["read", "triage", "write", "maintain", "admin"].contains(value) else {
                throw ConfigurationError(key: triggers.keyPath(key), problem: "expected read, triage, write, maintain or admin, got \"\(value)\"")
            }
            if key == "minimum_permission" { config.triggers.minimumPermission = value } else { config.triggers.labelMinimumPermission = value }
        }
        config.triggers.permissionCacheSeconds = try triggers.double("permission_cache_seconds", default: config.triggers.permissionCacheSeconds, range: 0...86_400)
        config.triggers.maxRunsPerIssuePerHour = try triggers.int("max_runs_per_issue_per_hour", default: config.triggers.maxRunsPerIssuePerHour, range: 0...10_000)
        config.triggers.label = try triggers.string("label", default: config.triggers.label)
        config.triggers.command = try triggers.string("command", default: config.triggers.command)
        config.triggers.allowedAssociations = try triggers.stringList("allowed_associations", default: config.triggers.allowedAssociations)
            .map { $0.uppercased() }
        if config.triggers.label.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ConfigurationError(key: "triggers.label", problem: "must not be empty")
        }
        if config.triggers.command.isEmpty || config.triggers.command.contains(where: \.isWhitespace) {
            throw ConfigurationError(key: "triggers.command", problem: "expected one word such as /dayshift")
        }

        let github = try top.child("github", allowedKeys: [
            "api_url", "token", "token_file", "request_timeout_seconds", "app_id", "private_key", "private_key_file", "writes_per_minute",
            "comment_edit_interval_seconds", "check_runs", "allowed_owners", "allowed_repositories", "app_slug", "bot_user_id",
        ])
        config.github.appSlug = try github.string("app_slug", default: config.github.appSlug)
        config.github.botUserID = Int64(try github.int("bot_user_id", default: Int(config.github.botUserID), range: 0...Int(Int64.max)))
        try github.refuseSecret("token", use: "DAYSHIFT_GITHUB_TOKEN or github.token_file")
        try github.refuseSecret("private_key", use: "DAYSHIFT_GITHUB_PRIVATE_KEY_FILE or github.private_key_file")
        config.github.appID = try github.optionalString("app_id")
        if let file = try github.optionalString("private_key_file") {
            config.github.privateKeyPEM = try readSecret(file, key: github.keyPath("private_key_file"))
        }
        config.github.writesPerMinute = try github.int("writes_per_minute", default: config.github.writesPerMinute, range: 0...10_000)
        config.github.commentEditIntervalSeconds = try github.double("comment_edit_interval_seconds",
                                                                     default: config.github.commentEditIntervalSeconds, range: 0...3600)
        config.github.checkRuns = try github.bool("check_runs", default: config.github.checkRuns)
        config.github.allowedOwners = try github.stringList("allowed_owners", default: [])
        config.github.allowedRepositories = try github.stringList("allowed_repositories", default: [])
        for pattern in config.github.allowedRepositories where !pattern.contains("/") {
            throw ConfigurationError(key: github.keyPath("allowed_repositories"), problem: "expected owner/name patterns such as acme/*, got \"\(pattern)\"")
        }
        let pullRequest = try top.child("pull_request", allowedKeys: ["draft_on_test_failure", "labels", "reviewers"])
        config.pullRequest.draftOnTestFailure = try pullRequest.bool("draft_on_test_failure", default: config.pullRequest.draftOnTestFailure)
        config.pullRequest.labels = try pullRequest.stringList("labels", default: [])
        config.pullRequest.reviewers = try pullRequest.stringList("reviewers", default: [])
        config.github.apiURL = try github.string("api_url", default: config.github.apiURL)
        config.github.requestTimeoutSeconds = try github.double("request_timeout_seconds", default: config.github.requestTimeoutSeconds, range: 1...600)
        if let file = try github.optionalString("token_file") {
            config.github.token = try readSecret(file, key: github.keyPath("token_file"))
            config.sourceFiles.append(file)
        }

        let sandbox = try top.child("sandbox", allowedKeys: ["provider", "local", "daytona", "reaper"])
        config.sandbox.provider = try sandbox.string("provider", default: config.sandbox.provider)
        guard ["local", "daytona"].contains(config.sandbox.provider) else {
            throw ConfigurationError(key: "sandbox.provider", problem: "expected local or daytona, got \"\(config.sandbox.provider)\"")
        }
        let local = try sandbox.child("local", allowedKeys: [
            "root", "isolation", "read_only_paths", "writable_paths", "hidden_paths", "network", "limits",
        ])
        config.sandbox.localRoot = try local.optionalString("root")
        config.sandbox.local = try readLocal(local)
        config.sandbox.daytona = try readDaytona(sandbox.child("daytona", allowedKeys: [
            "api_url", "api_key", "api_key_file", "snapshot", "target", "auto_stop_minutes", "auto_archive_minutes", "auto_delete_minutes",
            "network_block_all", "network_allow_list", "env", "request_timeout_seconds", "start_timeout_seconds",
        ]))
        if let file = try ConfigNode(path: sandbox.keyPath("daytona"), node: sandbox.node("daytona"), allowedKeys: nil)
            .optionalString("api_key_file") {
            config.sourceFiles.append(file)
        }
        let reaper = try sandbox.child("reaper", allowedKeys: ["interval_seconds", "grace_seconds"])
        config.sandbox.reaperIntervalSeconds = try reaper.double("interval_seconds", default: config.sandbox.reaperIntervalSeconds, range: 1...86_400)
        config.sandbox.reaperGraceSeconds = try reaper.double("grace_seconds", default: config.sandbox.reaperGraceSeconds, range: 0...604_800)

        let agent = try top.child("agent", allowedKeys: ["command", "timeout_seconds", "pass_environment", "proxy_public_url", "allow_key_in_sandbox",
                                                         "profile", "executable", "model", "max_turns", "max_cost_usd", "allowed_tools",
                                                         "disallowed_tools", "permission_mode"])
        if let name = try agent.optionalString("profile") {
            config.agent.profile = try profile(name, key: agent.keyPath("profile"))
        } else if agent.node("command") != nil {
            // A file that names its own agent command and no profile means that command.
            config.agent.profile = .command
        }
        config.agent.executable = try agent.optionalString("executable")
        config.agent.model = try agent.optionalString("model")
        config.agent.maxTurns = try agent.int("max_turns", default: config.agent.maxTurns, range: 0...10_000)
        config.agent.maxCostUSD = try agent.double("max_cost_usd", default: config.agent.maxCostUSD, range: 0...100_000)
        config.agent.allowedTools = try agent.stringList("allowed_tools", default: config.agent.allowedTools)
        config.agent.disallowedTools = try agent.stringList("disallowed_tools", default: config.agent.disallowedTools)
        config.agent.permissionMode = try agent.string("permission_mode", default: config.agent.permissionMode)
        let modes = ["default", "acceptEdits", "plan", "bypassPermissions", "dontAsk"]
        guard modes.contains(config.agent.permissionMode) else {
            throw ConfigurationError(key: agent.keyPath("permission_mode"), problem: "expected one of \(modes.joined(separator: ", ")), got \"\(config.agent.permissionMode)\"")
        }
        for (key, words) in [("model", [config.agent.model ?? ""]), ("allowed_tools", config.agent.allowedTools),
                             ("disallowed_tools", config.agent.disallowedTools)] where words.contains(where: { $0.hasPrefix("-") || $0.contains("\n") }) {
            throw ConfigurationError(key: agent.keyPath(key), problem: "a value must not start with - or hold a line break")
        }
        config.agent.allowKeyInSandbox = try agent.bool("allow_key_in_sandbox", default: config.agent.allowKeyInSandbox)
        if var url = try agent.optionalString("proxy_public_url") {
            while url.hasSuffix("/") { url.removeLast() }
            guard let parsed = URL(string: url), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil,
                  parsed.query == nil else {
                throw ConfigurationError(key: agent.keyPath("proxy_public_url"), problem: "expected an http(s) URL such as https://dayshift.example.com, got \"\(url)\"")
            }
            config.agent.proxyPublicURL = url
        }
        config.llm = try readLLM(top.child("llm", allowedKeys: llmKeys))
        config.agent.command = try agent.string("command", default: config.agent.command)
        config.agent.timeoutSeconds = try agent.double("timeout_seconds", default: config.agent.timeoutSeconds, range: 1...86_400)
        config.agent.passEnvironment = try agent.stringList("pass_environment", default: config.agent.passEnvironment)
        if config.agent.command.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ConfigurationError(key: "agent.command", problem: "must not be empty")
        }
        if let secret = config.agent.passEnvironment.first(where: { $0.hasPrefix("DAYSHIFT_") }) {
            throw ConfigurationError(key: "agent.pass_environment", problem: "\(secret) is Dayshift's own setting and may hold a secret; it is never handed to the agent")
        }

        let steps = try top.child("steps", allowedKeys: ["setup_timeout_seconds", "test_timeout_seconds", "output_tail_lines", "retry"])
        let retry = try steps.child("retry", allowedKeys: Set(["default"] + StepName.allCases.map(\.rawValue)))
        config.steps.defaultRetry = try readRetry(retry.child("default", allowedKeys: RetryKeys.all), base: config.steps.defaultRetry)
        for step in StepName.allCases where retry.node(step.rawValue) != nil {
            config.steps.retry[step] = try readRetry(retry.child(step.rawValue, allowedKeys: RetryKeys.all), base: config.steps.defaultRetry)
        }
        let runtime = try top.child("runtime", allowedKeys: ["idle_eviction_seconds", "poll_interval_seconds", "max_concurrent_runs", "lease_seconds"])
        config.runtime.maxConcurrentRuns = try runtime.int("max_concurrent_runs", default: config.runtime.maxConcurrentRuns, range: 1...10_000)
        let budgets = try top.child("budgets", allowedKeys: ["daily_runs", "daily_cost_usd"])
        config.budgets.dailyRuns = try budgets.int("daily_runs", default: config.budgets.dailyRuns, range: 0...1_000_000)
        config.budgets.dailyCostUSD = try budgets.double("daily_cost_usd", default: config.budgets.dailyCostUSD, range: 0...1_000_000)
        config.runtime.idleEvictionSeconds = try runtime.double("idle_eviction_seconds", default: config.runtime.idleEvictionSeconds, range: 0...86_400)
        config.runtime.pollIntervalSeconds = try runtime.double("poll_interval_seconds", default: config.runtime.pollIntervalSeconds, range: 0.01...60)
        config.runtime.leaseSeconds = try runtime.double("lease_seconds", default: config.runtime.leaseSeconds, range: 1...3600)
        config.steps.setupTimeoutSeconds = try steps.double("setup_timeout_seconds", default: config.steps.setupTimeoutSeconds, range: 1...86_400)
        config.steps.testTimeoutSeconds = try steps.double("test_timeout_seconds", default: config.steps.testTimeoutSeconds, range: 1...86_400)
        config.steps.outputTailLines = try steps.int("output_tail_lines", default: config.steps.outputTailLines, range: 1...1000)

        let retention = try top.child("retention", allowedKeys: ["deliveries_days", "ignored_deliveries_days", "runs_days", "interval_seconds"])
        config.retention.deliveriesDays = try retention.int("deliveries_days", default: config.retention.deliveriesDays, range: 0...36_500)
        config.retention.ignoredDeliveriesDays = try retention.int("ignored_deliveries_days", default: config.retention.ignoredDeliveriesDays,
                                                                   range: 0...36_500)
        config.retention.runsDays = try retention.int("runs_days", default: config.retention.runsDays, range: 0...36_500)
        config.retention.intervalSeconds = try retention.double("interval_seconds", default: config.retention.intervalSeconds, range: 1...604_800)

        let store = try top.child("store", allowedKeys: ["url", "password", "password_file", "single_replica"])
        try store.refuseSecret("password", use: "DAYSHIFT_STORE_PASSWORD or store.password_file")
        config.store.url = try store.string("url", default: config.store.url)
        if let file = try store.optionalString("password_file") {
            config.store.password = try readSecret(file, key: store.keyPath("password_file"))
            config.sourceFiles.append(file)
        }
        config.store.singleReplica = try store.bool("single_replica", default: config.store.singleReplica)

        let git = try top.child("git", allowedKeys: ["author_name", "author_email", "branch_prefix"])
        for retired in ["author_name", "author_email"] where git.node(retired) != nil {
            throw ConfigurationError(key: git.keyPath(retired), problem: "no longer used: Dayshift publishes through GitHub's API and the App (or token owner) is the commit's author; remove it")
        }
        config.git.branchPrefix = try git.string("branch_prefix", default: config.git.branchPrefix)
        let refSafe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._/-"))
        guard !config.git.branchPrefix.isEmpty, config.git.branchPrefix.unicodeScalars.allSatisfy(refSafe.contains),
              !config.git.branchPrefix.hasPrefix("/"), !config.git.branchPrefix.hasPrefix("-"), !config.git.branchPrefix.contains("..") else {
            throw ConfigurationError(key: "git.branch_prefix", problem: "expected letters, digits, '.', '_', '/' or '-' (a git branch name prefix)")
        }

        let repositories = try ConfigNode(path: "repositories", node: top.node("repositories"), allowedKeys: nil)
            .anyKeys()
        for (name, node) in repositories {
            guard name.split(separator: "/").count == 2 else {
                throw ConfigurationError(key: ConfigNode.join("repositories", name), problem: "expected a repository name like owner/name")
            }
            config.repositories[name] = try readRepository(node)
        }
        return config
    }

    enum RetryKeys {
        static let all: Set<String> = ["attempts", "base_seconds", "cap_seconds"]
    }

    static func readLocal(_ node: ConfigNode) throws -> LocalSandboxSettings {
        var settings = LocalSandboxSettings()
        if let isolation = try node.optionalString("isolation") {
            guard ["bubblewrap", "none"].contains(isolation) else {
                throw ConfigurationError(key: node.keyPath("isolation"), problem: "expected bubblewrap or none, got \"\(isolation)\"")
            }
            settings.isolation = isolation
        }
        settings.readOnlyPaths = try absolutePaths(node, "read_only_paths", default: settings.readOnlyPaths)
        settings.writablePaths = try absolutePaths(node, "writable_paths", default: settings.writablePaths)
        settings.hiddenPaths = try absolutePaths(node, "hidden_paths", default: settings.hiddenPaths)
        settings.network = try node.string("network", default: settings.network)
        guard ["host", "none"].contains(settings.network) else {
            throw ConfigurationError(key: node.keyPath("network"), problem: "expected host or none, got \"\(settings.network)\"")
        }
        let limits = try node.child("limits", allowedKeys: ["memory_mib", "processes", "open_files", "file_size_mib"])
        settings.memoryMiB = try limits.int("memory_mib", default: settings.memoryMiB, range: 0...(1 << 30))
        settings.processes = try limits.int("processes", default: settings.processes, range: 0...(1 << 22))
        settings.openFiles = try limits.int("open_files", default: settings.openFiles, range: 0...(1 << 24))
        settings.fileSizeMiB = try limits.int("file_size_mib", default: settings.fileSizeMiB, range: 0...(1 << 30))
        return settings
    }

    private static func absolutePaths(_ node: ConfigNode, _ key: String, default value: [String]) throws -> [String] {
        let paths = try node.stringList(key, default: value)
        if let relative = paths.first(where: { !$0.hasPrefix("/") }) {
            throw ConfigurationError(key: node.keyPath(key), problem: "expected absolute paths, got \"\(relative)\"")
        }
        return paths
    }

    static func readRetry(_ node: ConfigNode, base: RetryPolicy) throws -> RetryPolicy {
        RetryPolicy(attempts: try node.int("attempts", default: base.attempts, range: 1...100),
                    baseSeconds: try node.double("base_seconds", default: base.baseSeconds, range: 0...3600),
                    capSeconds: try node.double("cap_seconds", default: base.capSeconds, range: 0...86_400))
    }

    static func readDaytona(_ node: ConfigNode) throws -> DaytonaSettings {
        var settings = DaytonaSettings()
        try node.refuseSecret("api_key", use: "DAYSHIFT_DAYTONA_API_KEY or sandbox.daytona.api_key_file")
        settings.apiURL = try node.string("api_url", default: settings.apiURL)
        if let file = try node.optionalString("api_key_file") {
            settings.apiKey = try readSecret(file, key: node.keyPath("api_key_file"))
        }
        settings.snapshot = try node.optionalString("snapshot")
        settings.target = try node.optionalString("target")
        settings.autoStopMinutes = try node.int("auto_stop_minutes", default: settings.autoStopMinutes, range: 0...525_600)
        settings.autoArchiveMinutes = try node.int("auto_archive_minutes", default: settings.autoArchiveMinutes, range: 0...525_600)
        settings.autoDeleteMinutes = try node.int("auto_delete_minutes", default: settings.autoDeleteMinutes, range: -1...525_600)
        settings.networkBlockAll = try node.bool("network_block_all", default: settings.networkBlockAll)
        settings.networkAllowList = try node.optionalString("network_allow_list")
        settings.environment = try node.stringMap("env")
        settings.requestTimeoutSeconds = try node.double("request_timeout_seconds", default: settings.requestTimeoutSeconds, range: 1...600)
        settings.startTimeoutSeconds = try node.double("start_timeout_seconds", default: settings.startTimeoutSeconds, range: 1...3600)
        return settings
    }

    static func readRepository(_ node: ConfigNode) throws -> RepositorySettings {
        var settings = RepositorySettings()
        settings.cloneURL = try node.optionalString("clone_url")
        settings.baseBranch = try node.optionalString("base_branch")
        settings.setupCommand = try node.optionalString("setup_command")
        settings.testCommand = try node.optionalString("test_command")
        settings.onOpen = try node.bool("on_open", default: false)
        if let name = try node.optionalString("agent_profile") { settings.agentProfile = try profile(name, key: node.keyPath("agent_profile")) }
        return settings
    }

    static func profile(_ name: String, key: String) throws -> AgentProfileName {
        guard let profile = AgentProfileName(rawValue: name) else {
            throw ConfigurationError(key: key, problem: "expected one of \(AgentProfileName.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(name)\"")
        }
        return profile
    }

    /// The values of every `*_file` key anywhere in the tree.
    static func secretFilePaths(in node: Node?) -> [String] {
        guard let node else { return [] }
        switch node {
        case .mapping(let mapping):
            return mapping.flatMap { key, value -> [String] in
                if let name = key.string, name.hasSuffix("_file"), case .scalar(let scalar) = value, !scalar.string.isEmpty { return [scalar.string] }
                return secretFilePaths(in: value)
            }
        case .sequence(let sequence):
            return sequence.flatMap { secretFilePaths(in: $0) }
        default:
            return []
        }
    }

    static func readSecret(_ path: String, key: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError(key: key, problem: "cannot read the file named there")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension ConfigNode {
    /// For mappings whose keys are data (repository names): each value as a node with the repository keys.
    func anyKeys() throws -> [(String, ConfigNode)] {
        guard let mapping else { return [] }
        return try mapping.map { key, value in
            let name = key.string ?? "?"
            return (name, try ConfigNode(path: ConfigNode.join(path, name), node: value,
                                         allowedKeys: ["clone_url", "base_branch", "setup_command", "test_command", "on_open", "agent_profile"]))
        }
    }
}
