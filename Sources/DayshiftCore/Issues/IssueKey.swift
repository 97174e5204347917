/// An issue object's id: `owner/repo#number`, with owner and repository lowercased.
///
/// The only way to name an issue object. GitHub's names are case-insensitive (and a rename may
/// change the case), so the key is normalised once, here: `Octo/Hello#42` and `octo/hello#42` are
/// the same key. ``description`` is the stored form (the `issue_key` columns), unchanged from the
/// rows written before this type existed.
public struct IssueKey: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The repository, lowercased.
    public let repository: RepositoryName
    /// The issue's number (> 0).
    public let number: Int

    /// The key of issue `number` in `repository` (any case).
    public init(repository: RepositoryName, number: Int) {
        self.repository = repository.lowercased
        self.number = number
    }

    /// The key of issue `number` in the repository named `fullName` (`owner/name`, any case);
    /// `nil` when `fullName` is not of that form or `number` is not positive.
    public init?(repository fullName: String, number: Int) {
        guard let repository = RepositoryName(fullName: fullName), number > 0 else { return nil }
        self.init(repository: repository, number: number)
    }

    /// Parses `owner/repo#number` (any case); `nil` otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: "#", omittingEmptySubsequences: false)
        guard parts.count == 2, let number = Int(parts[1]) else { return nil }
        self.init(repository: String(parts[0]), number: number)
    }

    /// `owner/repo#number`, lowercased: the stored form.
    public var description: String { "\(repository)#\(number)" }

    /// A DNS-safe form, e.g. `octo-hello-42`: every run of characters other than letters and
    /// digits becomes one `-`.
    public var slug: String { Self.slug(of: description) }

    /// `text` made DNS-safe as ``slug`` does (no lowercasing).
    public static func slug(of text: String) -> String {
        let mapped = text.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(mapped).split(separator: "-").joined(separator: "-")
    }

    /// Decodes the stored form, `owner/repo#number`.
    /// - Throws: `DecodingError.dataCorrupted` when the text is not an issue key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let key = IssueKey(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an issue key (owner/repo#number): \(text)")
        }
        self = key
    }

    /// Encodes the stored form, `owner/repo#number`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
