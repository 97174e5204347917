import Crypto
import Foundation

/// Git's object ids (SHA-1 of `<type> <size>\0<bytes>`), computed on the server to check what the
/// sandbox says it holds.
enum GitObjectHash {
    /// The id git gives a blob with these bytes, as 40 lowercase hex digits.
    static func blob(_ contents: Data) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: Data("blob \(contents.count)\0".utf8))
        hasher.update(data: contents)
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
