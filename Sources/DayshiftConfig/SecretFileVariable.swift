/// A `DAYSHIFT_*_FILE` environment variable: the path of a file holding one secret, the
/// environment's counterpart of a `*_file` key and, like it, read once at start (surrounding
/// whitespace trimmed) and hidden from sandboxes.
///
/// They let a supervisor hand secrets over as files: systemd's `LoadCredential=` with
/// `Environment=DAYSHIFT_WEBHOOK_SECRET_FILE=%d/webhook-secret` (`%d` is `$CREDENTIALS_DIRECTORY`,
/// see `Config/dayshift.service`), or Docker secrets under `/run/secrets`.
///
/// | variable | same as the key | refused together with |
/// |---|---|---|
/// | `DAYSHIFT_WEBHOOK_SECRET_FILE` | `webhook.secret_file` | `DAYSHIFT_WEBHOOK_SECRET` |
/// | `DAYSHIFT_OPERATOR_TOKEN_FILE` | `server.operator_token_file` | `DAYSHIFT_OPERATOR_TOKEN` |
/// | `DAYSHIFT_GITHUB_PRIVATE_KEY_FILE` | `github.private_key_file` | – |
/// | `DAYSHIFT_GITHUB_TOKEN_FILE` | `github.token_file` | `DAYSHIFT_GITHUB_TOKEN` |
/// | `DAYSHIFT_DAYTONA_API_KEY_FILE` | `sandbox.daytona.api_key_file` | `DAYSHIFT_DAYTONA_API_KEY` |
/// | `DAYSHIFT_ANTHROPIC_API_KEY_FILE` | `llm.anthropic.api_key_file` | – (`ANTHROPIC_API_KEY` is then not used) |
/// | `DAYSHIFT_OPENAI_API_KEY_FILE` | `llm.openai.api_key_file` | – (`OPENAI_API_KEY` is then not used) |
/// | `DAYSHIFT_STORE_PASSWORD_FILE` | `store.password_file` | `DAYSHIFT_STORE_PASSWORD` |
///
/// A variable wins over the YAML key, as every environment variable does.
struct SecretFileVariable {
    /// e.g. `DAYSHIFT_WEBHOOK_SECRET_FILE`.
    let name: String
    /// The variable that holds the same secret directly, if any; setting both is refused.
    let valueVariable: String?
    /// Where the secret goes.
    let target: WritableKeyPath<DayshiftConfiguration, String>

    static var all: [SecretFileVariable] {
        [
            SecretFileVariable(name: "DAYSHIFT_WEBHOOK_SECRET_FILE", valueVariable: "DAYSHIFT_WEBHOOK_SECRET", target: \.webhook.secret),
            SecretFileVariable(name: "DAYSHIFT_OPERATOR_TOKEN_FILE", valueVariable: "DAYSHIFT_OPERATOR_TOKEN", target: \.server.operatorToken),
            SecretFileVariable(name: "DAYSHIFT_GITHUB_PRIVATE_KEY_FILE", valueVariable: nil, target: \.github.privateKeyPEM),
            SecretFileVariable(name: "DAYSHIFT_GITHUB_TOKEN_FILE", valueVariable: "DAYSHIFT_GITHUB_TOKEN", target: \.github.token),
            SecretFileVariable(name: "DAYSHIFT_DAYTONA_API_KEY_FILE", valueVariable: "DAYSHIFT_DAYTONA_API_KEY", target: \.sandbox.daytona.apiKey),
            SecretFileVariable(name: "DAYSHIFT_ANTHROPIC_API_KEY_FILE", valueVariable: nil, target: \.llm.anthropic.apiKey),
            SecretFileVariable(name: "DAYSHIFT_OPENAI_API_KEY_FILE", valueVariable: nil, target: \.llm.openai.apiKey),
            SecretFileVariable(name: "DAYSHIFT_STORE_PASSWORD_FILE", valueVariable: "DAYSHIFT_STORE_PASSWORD", target: \.store.password),
        ]
    }
}

extension DayshiftConfiguration {
    /// Reads the file each set `DAYSHIFT_*_FILE` variable names into its setting.
    /// - Throws: ``ConfigurationError`` naming the variable when its file cannot be read, or when
    ///   the variable holding the same secret directly is set too.
    mutating func applySecretFiles(_ environment: [String: String]) throws {
        for variable in SecretFileVariable.all {
            guard let path = environment[variable.name], !path.isEmpty else { continue }
            if let other = variable.valueVariable, environment[other].map({ !$0.isEmpty }) == true {
                throw ConfigurationError(key: variable.name, problem: "\(other) is set too; keep one of them")
            }
            self[keyPath: variable.target] = try ConfigurationReader.readSecret(path, key: variable.name)
        }
    }
}
