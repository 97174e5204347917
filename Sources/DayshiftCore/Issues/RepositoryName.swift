/// A repository named by owner and name, e.g. `octo/hello`, spelled as given (GitHub keeps the
/// case a repository was created with; compare through ``IssueKey`` for case-insensitive identity).
public struct RepositoryName: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The user or organization, e.g. `octo`.
    public var owner: String
    /// The repository's name, e.g. `hello`.
    public var name: String

    /// A name from its two parts, as given.
    public init(owner: String, name: String) {
        self.owner = owner
        self.name = name
    }

    /// Parses `owner/name`; `nil` unless there are exactly two parts, each 1 to
    /// ``maximumPartLength`` characters GitHub allows in account and repository names (ASCII
    /// letters, digits, `-`, `_` and `.`), and neither is `.` or `..`. So no control character,
    /// NUL, space or slash reaches a stored key, and no part is a dot segment that a URL's path
    /// would collapse (`octo/..` would call `/repos/issues/…`).
    public init?(fullName: String) {
        let parts = fullName.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy(Self.isValidPart) else { return nil }
        self.init(owner: String(decoding: parts[0], as: UTF8.self), name: String(decoding: parts[1], as: UTF8.self))
    }

    /// The longest owner or repository name accepted, in characters (GitHub's repository names
    /// stop at 100, account names at 39).
    public static let maximumPartLength = 100

    private static func isValidPart(_ part: Substring.UTF8View.SubSequence) -> Bool {
        guard (1...maximumPartLength).contains(part.count), part.allSatisfy(isAllowed) else { return false }
        return !part.elementsEqual(".".utf8) && !part.elementsEqual("..".utf8)
    }

    /// True for the bytes GitHub allows in an account or repository name.
    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// `owner/name`.
    public var description: String { "\(owner)/\(name)" }

    /// The same name with owner and repository lowercased (GitHub's names are case-insensitive).
    public var lowercased: RepositoryName { RepositoryName(owner: owner.lowercased(), name: name.lowercased()) }
}
