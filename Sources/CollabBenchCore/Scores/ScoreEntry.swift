/// Whether a score could be computed.
public enum ScoreStatus: String, Sendable, Codable, Hashable {
    /// A value was computed.
    case scored
    /// A judge reply could not be read: no value, never 0.
    case unscored
    /// Could not be scored for a reason outside the agent (e.g. a library the task needs is missing).
    case skipped
    /// The scorer itself failed (e.g. the judge server was down).
    case failed
}

/// One metric of one conversation.
public struct ScoreEntry: Sendable, Codable, Hashable {
    /// Metric name (`accuracy`, `pass_rate`, `bleu`, `tok_k`, `user_tok_k`, `itr`, `turns`, …).
    public var metric: String
    /// The value, or nil when not scored.
    public var value: Double?
    /// Status.
    public var status: ScoreStatus
    /// How it was computed (`symbolic`, `unittest`, `bleu:char`, `cl100k_base`, `judge:<model>`, …).
    public var method: String
    /// Detail for people (failing tests, extracted answer, why unscored).
    public var detail: String?

    /// Creates an entry.
    public init(metric: String, value: Double?, status: ScoreStatus, method: String, detail: String? = nil) {
        self.metric = metric
        self.value = value
        self.status = status
        self.method = method
        self.detail = detail
    }
}
