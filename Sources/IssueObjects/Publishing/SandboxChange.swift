import DayshiftCore
import Foundation
import Sandboxes

/// The agent's change as the server reads it out of the sandbox: for each changed path, what it
/// becomes (a file with its bytes and mode, a symlink with its target, a submodule pointer, or
/// nothing). Built from two files git writes in the sandbox:
///
/// - `git diff-index --cached --raw -z --no-renames <base>` over a private index holding the base
///   tree plus the changed paths: one record `:<old mode> <new mode> <old sha> <new sha> <status>\0<path>\0` per path;
/// - `git cat-file --batch` of every new blob: `<sha> blob <size>\n<bytes>\n` each.
///
/// Everything read from the sandbox is untrusted: paths are checked (relative, no `..`, `.git`
/// or empty parts), every blob is hashed again on the server and must match the sha git listed,
/// and sizes are bounded.
public struct SandboxChange: Sendable, Equatable {
    /// One changed path.
    public struct Entry: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case file(Data, executable: Bool)
            case symlink(target: Data)
            case submodule(commit: String)
            case deleted
        }
        public var path: String
        public var kind: Kind
    }

    public var entries: [Entry]

    /// Total bytes of file and link contents.
    public var byteCount: Int {
        entries.reduce(0) { total, entry in
            switch entry.kind {
            case .file(let data, _): total + data.count
            case .symlink(let target): total + target.count
            default: total
            }
        }
    }

    /// Why a change read from the sandbox was refused.
    public struct Invalid: TransientError, CustomStringConvertible, Equatable {
        public var reason: String
        /// Always false: reading the same change again gives the same refusal.
        public var isTransient: Bool { false }
        public var description: String { "the change read from the sandbox is not usable: \(reason)" }
    }

    /// A change made of these entries, sorted by path.
    init(entries: [Entry]) {
        self.entries = entries.sorted { $0.path < $1.path }
    }

    /// The shell command (run in the clone) that writes the two files. The private index keeps the
    /// clone's own index untouched; hooks, fsmonitor and pathspec magic are off.
    /// - Parameters: paths of files relative to the sandbox home.
    static func command(base: String, changedPaths: String, index: String, diff: String, blobs: String) -> String {
        let git = "git -c core.hooksPath=/dev/null -c core.fsmonitor= -c core.autocrlf=false --literal-pathspecs"
        return """
        export GIT_INDEX_FILE="$HOME/\(index)"; rm -f "$GIT_INDEX_FILE" && \
        \(git) read-tree '\(base)' && \
        \(git) add -A --pathspec-from-file="$HOME/\(changedPaths)" --pathspec-file-nul && \
        \(git) diff-index --cached --raw -z --no-renames --abbrev=40 '\(base)' > "$HOME/\(diff)" && \
        \(git) diff-index --cached --raw --no-renames --abbrev=40 '\(base)' | awk '{ if ($2 != "000000" && $2 != "160000") print $4 }' | sort -u | \
        \(git) cat-file --batch > "$HOME/\(blobs)"; status=$?; rm -f "$GIT_INDEX_FILE"; exit $status
        """
    }

    /// Parses the two files.
    /// - Parameters:
    ///   - maxFileBytes: largest single file accepted (GitHub refuses blobs over 100 MB).
    ///   - maxTotalBytes: largest change accepted.
    /// - Throws: ``Invalid`` for anything malformed, unsafe or too large.
    /// The largest change accepted by default: 256 MiB of contents.
    public static let maxTotalBytes = 256 * 1024 * 1024

    public init(diff: Data, blobs: Data, maxFileBytes: Int = 100 * 1024 * 1024, maxTotalBytes: Int = SandboxChange.maxTotalBytes) throws {
        let contents = try Self.parseBlobs(blobs, maxFileBytes: maxFileBytes, maxTotalBytes: maxTotalBytes)
        var entries: [Entry] = []
        var fields = diff.split(separator: 0, omittingEmptySubsequences: true)[...]
        while let header = fields.popFirst() {
            guard let pathBytes = fields.popFirst() else { throw Invalid(reason: "a diff record has no path") }
            let parts = String(decoding: header, as: UTF8.self).split(separator: " ")
            guard parts.count == 5, parts[0].hasPrefix(":") else { throw Invalid(reason: "a diff record is malformed") }
            let newMode = String(parts[1]), newSHA = String(parts[3]), status = String(parts[4])
            guard let path = String(data: Data(pathBytes), encoding: .utf8) else { throw Invalid(reason: "a path is not UTF-8") }
            try Self.checkPath(path)
            let kind: Entry.Kind
            switch (status, newMode) {
            case ("D", _), (_, "000000"):
                kind = .deleted
            case (_, "160000"):
                guard Self.isSHA(newSHA) else { throw Invalid(reason: "submodule \(path) has no commit") }
                kind = .submodule(commit: newSHA)
            case (_, "100644"), (_, "100755"), (_, "120000"):
                guard let data = contents[newSHA] else { throw Invalid(reason: "no contents for \(path)") }
                if newMode == "120000", path.split(separator: "/").last?.lowercased() == ".gitmodules" {
                    throw Invalid(reason: "\(path) is a symlink, which git refuses for .gitmodules")
                }
                kind = newMode == "120000" ? .symlink(target: data) : .file(data, executable: newMode == "100755")
            default:
                throw Invalid(reason: "\(path) has an unsupported mode \(newMode)")
            }
            entries.append(Entry(path: path, kind: kind))
        }
        self.entries = entries.sorted { $0.path < $1.path }
    }

    /// `git cat-file --batch` output → sha → contents, each checked against its sha.
    static func parseBlobs(_ data: Data, maxFileBytes: Int, maxTotalBytes: Int) throws -> [String: Data] {
        var result: [String: Data] = [:]
        var index = data.startIndex
        var total = 0
        while index < data.endIndex {
            guard let newline = data[index...].firstIndex(of: 0x0A) else { throw Invalid(reason: "truncated blob header") }
            let header = String(decoding: data[index..<newline], as: UTF8.self).split(separator: " ")
            guard header.count == 3, header[1] == "blob", let size = Int(header[2]), size >= 0 else {
                throw Invalid(reason: "unexpected object in the blob stream")
            }
            guard size <= maxFileBytes else { throw Invalid(reason: "a file of \(size) bytes is over the \(maxFileBytes)-byte limit") }
            total += size
            guard total <= maxTotalBytes else { throw Invalid(reason: "the change is over the \(maxTotalBytes)-byte limit") }
            let start = newline + 1
            guard data.endIndex - start >= size + 1 else { throw Invalid(reason: "truncated blob") }
            let contents = Data(data[start..<start + size])
            let sha = String(header[0])
            guard GitObjectHash.blob(contents) == sha else { throw Invalid(reason: "a blob does not match its sha") }
            result[sha] = contents
            index = start + size + 1
        }
        return result
    }

    /// Relative, `/`-separated, no empty, `.`, `..` or `.git` parts, no NUL, newline or backslash.
    /// `.git` is recognised the way git's own `verify_path` does on case-insensitive file systems:
    /// in any case, with HFS+-ignorable code points removed, with trailing dots and spaces, and
    /// as the NTFS short name `git~1`. These checks do not rely on the sandbox's git settings.
    static func checkPath(_ path: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0"), !path.contains("\n"), !path.contains("\\"),
              !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." || isGitDirectoryName($0) })
        else { throw Invalid(reason: "unsafe path \(path.debugDescription)") }
    }

    /// Code points HFS+ ignores when it compares names (git's `is_hfs_dot_git` list).
    static let hfsIgnorable: Set<Unicode.Scalar> = Set([0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                                                        0x206A, 0x206B, 0x206C, 0x206D, 0x206E, 0x206F, 0xFEFF].compactMap(Unicode.Scalar.init))

    static func isGitDirectoryName(_ part: Substring) -> Bool {
        var name = String(String.UnicodeScalarView(part.unicodeScalars.filter { !hfsIgnorable.contains($0) })).lowercased()
        while let last = name.last, last == "." || last == " " { name.removeLast() }
        return name == ".git" || name == "git~1"
    }

    static func isSHA(_ text: String) -> Bool {
        text.count == 40 && text.allSatisfy(\.isHexDigit)
    }
}
