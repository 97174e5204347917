/// A configuration problem, reported as one line that names the offending key.
///
/// `description` looks like `config: server.port: expected an integer from 1 to 65535, got "http"`.
/// It never holds a secret's value.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// Dotted path of the key, e.g. `repositories."octo/hello".test_command`.
    public var key: String
    /// What is wrong, in words an operator can act on.
    public var problem: String

    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    public var description: String { "config: \(key): \(problem)" }
}
