/// The CollabBench version, recorded with every run.
public enum CollabBenchVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
