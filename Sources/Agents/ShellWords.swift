/// Turns an argument vector into one POSIX shell command line that runs exactly those words:
/// each word in single quotes (a quote inside written `'\''`), so no word is ever read as code.
public enum ShellWords {
    public static func quote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    public static func join(_ argv: [String]) -> String {
        argv.map(quote).joined(separator: " ")
    }
}
