/// Dayshift's release version, as `dayshift --version` prints it and `serve` logs it at start.
public enum DayshiftVersion {
    /// Semantic version, e.g. `0.1.0`.
    public static let current = "0.1.0"
}
