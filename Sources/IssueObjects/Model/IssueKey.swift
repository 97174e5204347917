import GitHub

/// An issue object's id: `owner/repo#number`.
public struct IssueKey: Hashable, Sendable, Codable, CustomStringConvertible {
    public var repository: RepositoryName
    public var number: Int

    public init(repository: RepositoryName, number: Int) {
        self.repository = repository
        self.number = number
    }

    /// Parses `owner/repo#number`; `nil` otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: "#")
        guard parts.count == 2, let repository = RepositoryName(fullName: String(parts[0])), let number = Int(parts[1]), number > 0 else { return nil }
        self.init(repository: repository, number: number)
    }

    public var description: String { "\(repository)#\(number)" }
}
