extension DayshiftConfiguration {
    /// Checks what `dayshift serve` cannot work without, beyond a well-formed configuration:
    ///
    /// - a webhook secret (`DAYSHIFT_WEBHOOK_SECRET`, `DAYSHIFT_WEBHOOK_SECRET_FILE` or
    ///   `webhook.secret_file`): without it every delivery would be refused;
    /// - GitHub credentials: a GitHub App (`DAYSHIFT_GITHUB_APP_ID` or `github.app_id`, with
    ///   `DAYSHIFT_GITHUB_PRIVATE_KEY_FILE` or `github.private_key_file`) or a personal access token
    ///   (`DAYSHIFT_GITHUB_TOKEN`, `DAYSHIFT_GITHUB_TOKEN_FILE` or `github.token_file`): without
    ///   them every run would do all its work and then fail at the push.
    ///
    /// The demo and the tests build a server without these checks.
    /// - Throws: ``ConfigurationError`` naming the first thing missing and where to set it.
    public func checkServeRequirements() throws {
        if webhook.secret.isEmpty {
            throw ConfigurationError(
                key: "webhook.secret_file",
                problem: "no webhook secret; set DAYSHIFT_WEBHOOK_SECRET, DAYSHIFT_WEBHOOK_SECRET_FILE or webhook.secret_file "
                    + "to the secret entered in the GitHub App's (or repository's) webhook settings")
        }
        if !github.usesApp, github.token.isEmpty {
            throw ConfigurationError(
                key: "github",
                problem: "no GitHub credentials; set DAYSHIFT_GITHUB_APP_ID with DAYSHIFT_GITHUB_PRIVATE_KEY_FILE (a GitHub App), "
                    + "or DAYSHIFT_GITHUB_TOKEN or DAYSHIFT_GITHUB_TOKEN_FILE (a personal access token)")
        }
    }
}
