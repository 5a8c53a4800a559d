/// Whether a judgement produced a usable score.
public enum JudgeStatus: String, Sendable, Codable, Hashable {
    /// The reply was read and holds a valid score.
    case scored
    /// No attempt produced a readable score; the conversation is left unscored (never 0).
    case unscored
    /// The judge could not be called (server down after retries).
    case failed
}

/// One judgement of one conversation, with every attempt's raw reply.
public struct JudgeVerdict: Sendable, Codable, Hashable {
    /// What was judged (`interactivity`).
    public var criterion: String
    /// Outcome.
    public var status: JudgeStatus
    /// The score as the rubric states it (1, 2 or 3), when scored.
    public var rawScore: Double?
    /// The score as reported: 2·(S − 2.5) for the 3-level rubric (+1, −1, −3), when scored.
    public var score: Double?
    /// The judge's justification, when it gave one.
    public var thought: String?
    /// Every call made, in order (retries after unreadable replies included).
    public var calls: [CallRecord]
    /// SHA-256 of the prompt template used.
    public var promptHash: String
    /// Why it is unscored or failed.
    public var detail: String?

    /// Creates a verdict.
    public init(
        criterion: String, status: JudgeStatus, rawScore: Double? = nil, score: Double? = nil, thought: String? = nil,
        calls: [CallRecord], promptHash: String, detail: String? = nil
    ) {
        self.criterion = criterion
        self.status = status
        self.rawScore = rawScore
        self.score = score
        self.thought = thought
        self.calls = calls
        self.promptHash = promptHash
        self.detail = detail
    }
}
