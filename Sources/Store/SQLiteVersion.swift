/// A SQLite library version (`sqlite_version()`, e.g. `3.40.1`) and what is known about it.
public struct SQLiteVersion: Comparable, Sendable, CustomStringConvertible {
    public var major: Int, minor: Int, patch: Int

    /// Parses `major.minor.patch`; `nil` otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 3 else { return nil }
        (major, minor, patch) = (parts[0], parts[1], parts[2])
    }

    init(_ major: Int, _ minor: Int, _ patch: Int) {
        (self.major, self.minor, self.patch) = (major, minor, patch)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    /// True when this version lacks the WAL corruption fixes released in 3.44.6, 3.50.7 and 3.51.3
    /// (each line of releases got the fix at that patch level).
    public var lacksWALCorruptionFix: Bool {
        if self < SQLiteVersion(3, 44, 6) { return true }
        if self >= SQLiteVersion(3, 45, 0), self < SQLiteVersion(3, 50, 7) { return true }
        if self >= SQLiteVersion(3, 51, 0), self < SQLiteVersion(3, 51, 3) { return true }
        return false
    }
}
