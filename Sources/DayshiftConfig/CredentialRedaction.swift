/// Hides credentials that ride inside setting values, such as `https://user:token@host/` in a
/// URL, where a setting is shown (the operator API's configuration, `doctor`, start-up logs,
/// configuration errors).
public enum CredentialRedaction {
    /// `text` with the user-info part of every URL in it (`user:password@`) replaced by
    /// `[redacted]@`; everything else unchanged.
    public static func urls(in text: String) -> String {
        text.replacing(/(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*:\/\/)[^\/@\s]+@/) { match in "\(match.output.scheme)[redacted]@" }
    }
}
