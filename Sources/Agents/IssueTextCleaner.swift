import Foundation

/// Removes from issue text what a reader on GitHub does not see but an agent would read: HTML
/// comments, Markdown link-reference "comments" (`[//]: # (…)`), elements marked `hidden`,
/// zero-width characters and bidirectional controls. What it removed is counted, so the report can
/// say so.
public enum IssueTextCleaner {
    /// The cleaned text, and one phrase per kind of thing removed (e.g. `2 HTML comments`).
    public static func clean(_ text: String) -> (text: String, stripped: [String]) {
        var text = text
        var stripped: [String] = []
        func remove<Output>(_ regex: Regex<Output>, _ singular: String, _ plural: String) {
            let count = text.matches(of: regex).count
            guard count > 0 else { return }
            text = text.replacing(regex, with: "")
            stripped.append("\(count) \(count == 1 ? singular : plural)")
        }
        // An unterminated comment hides the rest of the text on GitHub too.
        remove(/<!--[\s\S]*?(?:-->|$)/, "HTML comment", "HTML comments")
        remove(/(?m)^[ \t]{0,3}\[[^\]\n]*\]:[ \t]*(?:#|<>)[^\n]*$\n?/, "Markdown link-reference comment", "Markdown link-reference comments")
        remove(/(?i)<(\w+)\b[^>]*\s(?:hidden\b|style\s*=\s*["'][^"']*display\s*:\s*none)[^>]*>[\s\S]*?<\/\1\s*>/, "hidden HTML element",
               "hidden HTML elements")
        var invisible = 0
        text.unicodeScalars.removeAll { scalar in
            let hidden = Self.invisibleScalars.contains(scalar.value) || (0xE0000...0xE007F).contains(scalar.value)
            if hidden { invisible += 1 }
            return hidden
        }
        if invisible > 0 { stripped.append("\(invisible) zero-width or bidirectional control \(invisible == 1 ? "character" : "characters")") }
        return (text, stripped)
    }

    /// Zero-width characters (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+180E, U+00AD), bidirectional
    /// marks and controls (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069); tag characters
    /// (U+E0000–U+E007F) are checked apart.
    static let invisibleScalars: Set<UInt32> = Set([0x200B, 0x200C, 0x200D, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF, 0x180E, 0x00AD,
                                                     0x200E, 0x200F, 0x061C, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069])
}
