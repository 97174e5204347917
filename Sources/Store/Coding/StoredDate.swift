import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A date as GRDB stores it (`Date.databaseValue`: `yyyy-MM-dd HH:mm:ss.SSS` in UTC, rounded to the
/// millisecond), formatted with `gmtime_r` instead of GRDB's `DateFormatter`: on Linux that goes
/// through ICU, ~10 µs a date, a measurable share of the intake's CPU per delivery. Readers see
/// the same text either way.
enum StoredDate {
    static func text(_ date: Date) -> String {
        let milliseconds = Int64(((date.timeIntervalSinceReferenceDate + Date.timeIntervalBetween1970AndReferenceDate) * 1000).rounded())
        var (whole, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        if fraction < 0 {
            whole -= 1
            fraction += 1000
        }
        var seconds = time_t(whole)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return "\(padded(Int(parts.tm_year) + 1900, 4))-\(padded(Int(parts.tm_mon) + 1, 2))-\(padded(Int(parts.tm_mday), 2)) "
            + "\(padded(Int(parts.tm_hour), 2)):\(padded(Int(parts.tm_min), 2)):\(padded(Int(parts.tm_sec), 2)).\(padded(Int(fraction), 3))"
    }
}
