/// Where a run stands, as stored in `runs.status`.
public enum RunStatus: String, Sendable, Codable, Hashable, CaseIterable {
    /// Conversations are being run (or the process died while running them).
    case running
    /// Every planned conversation is stored.
    case completed
    /// The invocation ended with conversations still to run (a shard, or a budget reached).
    case partial
    /// The invocation was cancelled (Ctrl-C) or failed part-way.
    case interrupted
}
