import Foundation

/// Removes from issue text what a reader on GitHub does not see but an agent would read: HTML
/// comments, Markdown link-reference definitions (`[//]: # (…)`, `[x]: /y "title"`), links with no
/// text, elements marked `hidden` (nested ones included), zero-width characters, blank fillers,
/// variation selectors and bidirectional controls. What it removed is counted, so the report can
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
        // A link-reference definition (`[label]: destination "title"`) is never rendered.
        remove(/(?m)^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*(?:<[^>\n]*>|\S+)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$\n?/,
               "Markdown link-reference definition", "Markdown link-reference definitions")
        // A link with no text shows nothing (its title only as a tooltip).
        remove(/!?\[\][ \t]*\([^)\n]*\)/, "empty Markdown link", "empty Markdown links")
        let hidden = removeHiddenElements(&text)
        if hidden > 0 { stripped.append("\(hidden) hidden HTML \(hidden == 1 ? "element" : "elements")") }
        var invisible = 0
        text.unicodeScalars.removeAll { scalar in
            let isInvisible = Self.invisibleScalars.contains(scalar.value) || (0xE0000...0xE007F).contains(scalar.value)
                || (0xFE00...0xFE0F).contains(scalar.value) || (0xE0100...0xE01EF).contains(scalar.value)
            if isInvisible { invisible += 1 }
            return isInvisible
        }
        if invisible > 0 { stripped.append("\(invisible) zero-width or bidirectional control \(invisible == 1 ? "character" : "characters")") }
        return (text, stripped)
    }

    /// Zero-width characters (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+180E, U+00AD, U+034F),
    /// bidirectional marks and controls (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069), and
    /// blank fillers that render as nothing (Hangul U+115F, U+1160, U+3164, U+FFA0; braille blank
    /// U+2800); tag characters (U+E0000–U+E007F) and variation selectors (U+FE00–U+FE0F,
    /// U+E0100–U+E01EF) are checked apart.
    static let invisibleScalars: Set<UInt32> = Set([0x200B, 0x200C, 0x200D, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF, 0x180E, 0x00AD,
                                                     0x034F, 0x200E, 0x200F, 0x061C, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067,
                                                     0x2068, 0x2069, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800])

    /// An issue title as one line Dayshift can repeat in a commit message or a pull request title:
    /// control, invisible and bidirectional characters removed, `@mentions` and GitHub's closing
    /// keywords (`close`, `fixes`, `resolved`, …) broken with a zero-width space, so that the title
    /// neither notifies anyone nor closes another issue when the commit is merged.
    public static func safeTitle(_ title: String) -> String {
        var line = title
        line.unicodeScalars.removeAll { scalar in
            invisibleScalars.contains(scalar.value) || (0xE0000...0xE007F).contains(scalar.value) || (0xFE00...0xFE0F).contains(scalar.value)
                || (0xE0100...0xE01EF).contains(scalar.value) || (0x00...0x1F).contains(scalar.value) || (0x7F...0x9F).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029
        }
        line = line.replacing(/@(?=[A-Za-z0-9])/) { _ in "@\u{200B}" }
        line = line.replacing(/(?i)\b(c)(los(?:e|es|ed))\b|\b(f)(ix(?:|es|ed))\b|\b(r)(esolv(?:e|es|ed))\b/) { match in
            let (first, rest) = match.output.1 != nil ? (match.output.1!, match.output.2!)
                : match.output.3 != nil ? (match.output.3!, match.output.4!) : (match.output.5!, match.output.6!)
            return first + "\u{200B}" + rest
        }
        return line.trimmingCharacters(in: .whitespaces)
    }

    /// Removes every element marked `hidden` or `display:none`, with all it holds: the element ends
    /// at its *matching* closing tag (nested elements of the same name are counted), or at the end
    /// of the text when it is never closed.
    /// - Returns: how many elements were removed.
    static func removeHiddenElements(_ text: inout String) -> Int {
        let opening = /(?i)<(\w+)\b[^>]*\s(?:hidden\b|style\s*=\s*["'][^"']*display\s*:\s*none)[^>]*>/
        var removed = 0
        while let start = text.firstMatch(of: opening) {
            let name = String(start.output.1).lowercased()
            var depth = 1
            var end = text.endIndex
            var cursor = start.range.upperBound
            let tags = try! Regex("(?i)<(/?)\(NSRegularExpression.escapedPattern(for: name))\\b[^>]*>")
            while depth > 0, let tag = text[cursor...].firstMatch(of: tags) {
                let closing = !(tag.output[1].substring?.isEmpty ?? true)
                let selfClosing = text[tag.range].hasSuffix("/>")
                if closing { depth -= 1 } else if !selfClosing { depth += 1 }
                cursor = tag.range.upperBound
                if depth == 0 { end = tag.range.upperBound }
            }
            text.removeSubrange(start.range.lowerBound..<end)
            removed += 1
        }
        return removed
    }
}
