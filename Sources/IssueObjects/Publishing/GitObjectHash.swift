import Crypto
import DayshiftCore
import Foundation

/// Git's object ids (SHA-1 of `<type> <size>\0<bytes>`), computed on the server to check what the
/// sandbox says it holds.
enum GitObjectHash {
    /// The id git gives a blob with these bytes, as 40 lowercase hex digits.
    static func blob(_ contents: Data) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: Data("blob \(contents.count)\0".utf8))
        hasher.update(data: contents)
        return Hex.encode(hasher.finalize())
    }
}
