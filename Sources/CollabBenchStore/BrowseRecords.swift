import CollabBenchCore

/// The column a page of conversations is sorted by (``ResultStore/conversationPage(_:)``).
public enum ConversationSort: String, Sendable, Codable, CaseIterable, Hashable {
    /// Storage order (the conversation's row id).
    case id
    /// Task id, then trial.
    case task
    /// The run's task metric (conversations without a value last, whatever the order).
    case score
    /// The conversation's cost in US dollars (unknown costs last).
    case cost
    /// Number of exchanges.
    case exchanges
    /// Status, then id.
    case status
}

/// Which conversations of a run a page holds. Every field is optional; nil means "any".
public struct ConversationFilter: Sendable, Hashable, Codable {
    /// Only conversations of this status.
    public var status: ConversationStatus?
    /// `"none"`: only conversations without a failure; `"any"`: only failed ones; other text:
    /// only those whose failure message contains it (case-insensitive).
    public var failure: String?
    /// Only conversations whose task metric is at least this.
    public var minScore: Double?
    /// Only conversations whose task metric is at most this.
    public var maxScore: Double?
    /// Only conversations whose simulated user played this persona id (`run --personas`).
    public var persona: String?
    /// true: only conversations the simulator gate flagged (any outcome); false: only unflagged ones.
    public var gateFlagged: Bool?

    /// A filter; nil fields let everything through.
    public init(
        status: ConversationStatus? = nil, failure: String? = nil, minScore: Double? = nil, maxScore: Double? = nil,
        persona: String? = nil, gateFlagged: Bool? = nil
    ) {
        self.status = status
        self.failure = failure
        self.minScore = minScore
        self.maxScore = maxScore
        self.persona = persona
        self.gateFlagged = gateFlagged
    }
}

/// A request for one page of a run's conversations.
public struct ConversationPageRequest: Sendable, Hashable {
    /// The run's id.
    public var runID: String
    /// Rows to skip.
    public var offset: Int
    /// Rows to return (at most ``ResultStore/maximumPageSize``).
    public var limit: Int
    /// Sort column.
    public var sort: ConversationSort
    /// Descending order when true.
    public var descending: Bool
    /// Which conversations to include.
    public var filter: ConversationFilter

    /// A page request; `limit` is clamped to 1...``ResultStore/maximumPageSize`` and `offset` to ≥ 0.
    public init(
        runID: String, offset: Int = 0, limit: Int = 50, sort: ConversationSort = .id, descending: Bool = false,
        filter: ConversationFilter = .init()
    ) {
        self.runID = runID
        self.offset = max(0, offset)
        self.limit = min(max(1, limit), ResultStore.maximumPageSize)
        self.sort = sort
        self.descending = descending
        self.filter = filter
    }
}

/// One row of a run's conversation table.
public struct ConversationSummary: Sendable, Hashable, Codable {
    /// The conversation's row id (the id of `/conversations/{id}`).
    public var id: Int64
    /// The run it belongs to.
    public var runID: String
    /// The task's id.
    public var taskID: String
    /// The trial number.
    public var trial: Int
    /// Completed or failed.
    public var status: ConversationStatus
    /// Why it ended (`accepted`, `max_turns`, `failed`, …).
    public var endReason: String
    /// Agent–user exchanges.
    public var exchanges: Int
    /// The failure, when it failed.
    public var failure: String?
    /// The run's task metric for this conversation (nil when not scored).
    public var score: Double?
    /// The task metric's status (`scored`, `skipped`, `failed`), nil when there is no row.
    public var scoreStatus: String?
    /// Known cost in US dollars (nil when unknown).
    public var costUSD: Double?
    /// Calls whose cost is unknown.
    public var unpricedCalls: Int
    /// The persona id the simulated user played, if personas were used.
    public var persona: String?
    /// The simulator gate's outcome (`flagged`, `rerun`, `excluded`), if the gate flagged it.
    public var gate: String?
    /// Start time (ISO 8601).
    public var startedAt: String
    /// End time (ISO 8601).
    public var finishedAt: String
}

/// One page of a run's conversations, with the number of rows the filter matches.
public struct ConversationPage: Sendable, Hashable, Codable {
    /// Rows matching the filter, over all pages.
    public var total: Int
    /// Rows skipped.
    public var offset: Int
    /// Page size asked for (after clamping).
    public var limit: Int
    /// The metric `score` holds.
    public var metric: String
    /// This page's rows.
    public var conversations: [ConversationSummary]
}

/// A run with the figures its page and the run list show.
public struct RunOverview: Sendable, Hashable, Codable {
    /// The run as stored.
    public var id: String
    /// Its name.
    public var name: String
    /// Its status (`running`, `completed`, `partial`, …).
    public var status: String
    /// Creation time.
    public var createdAt: String
    /// Finish time, if finished.
    public var finishedAt: String?
    /// Pack name, version and kind.
    public var pack: String
    /// The pack's version.
    public var packVersion: String
    /// The pack's kind (`math`, `code`, `document`).
    public var packKind: String
    /// The agent, its preset, the simulated user and the judge.
    public var agent: String
    /// The agent preset.
    public var agentPreset: String
    /// The simulated user's model.
    public var userSimulator: String
    /// The judge.
    public var judge: String
    /// The run's seed.
    public var seed: Int
    /// Tasks in the run.
    public var taskCount: Int
    /// Configuration hash.
    public var configHash: String
    /// Conversations stored so far.
    public var conversations: Int
    /// Of those, failed.
    public var failed: Int
    /// The task metric's name.
    public var metric: String
    /// Mean of the task metric over scored conversations (nil when none).
    public var meanScore: Double?
    /// Conversations with a task metric value.
    public var scored: Int
    /// Known cost in US dollars (nil when no cost is known).
    public var costUSD: Double?
    /// Calls whose cost is unknown.
    public var unpricedCalls: Int
    /// Simulator format errors and unreadable judge replies.
    public var quality: RunQualityCounts
}

/// A run's overview and its stored configuration (JSON text).
public struct RunDetail: Sendable, Hashable, Codable {
    /// The figures.
    public var overview: RunOverview
    /// The run's configuration as stored (JSON).
    public var configJSON: String
    /// The CollabBench version that made it.
    public var collabbenchVersion: String
}

/// One stored turn of a transcript with what it cost.
public struct TranscriptTurn: Sendable, Hashable, Codable {
    /// Position in the conversation.
    public var index: Int
    /// `user`, `assistant` or `system`.
    public var role: String
    /// The message text.
    public var text: String
    /// cl100k tokens of the text (agent messages).
    public var tokens: Int?
    /// The model (or agent) that produced it.
    public var model: String
    /// The reply as received.
    public var rawReply: String
    /// The simulated user's hidden thought, if any.
    public var thought: String?
    /// Whether the simulated user's reply broke its format.
    public var formatError: Bool
    /// Prompt tokens the server reported.
    public var promptTokens: Int?
    /// Completion tokens the server reported.
    public var completionTokens: Int?
    /// Wall time of the call.
    public var latencyMs: Double
    /// Attempts made.
    public var attempts: Int
    /// The server's finish reason.
    public var finishReason: String?
    /// Cost in US dollars, nil when unknown.
    public var costUSD: Double?
}

/// One stored judge call.
public struct JudgeCallRecord: Sendable, Hashable, Codable {
    /// The criterion judged.
    public var criterion: String
    /// Attempt number (0 first).
    public var attempt: Int
    /// The judge model.
    public var model: String
    /// The reply as received.
    public var rawReply: String
    /// Whether a verdict could be read from it.
    public var readable: Bool
    /// Wall time of the call.
    public var latencyMs: Double
    /// Cost in US dollars, nil when unknown.
    public var costUSD: Double?
}

/// Everything the transcript page shows of one conversation.
public struct ConversationDetail: Sendable, Hashable, Codable {
    /// The row of the conversation table.
    public var summary: ConversationSummary
    /// The conversation's seed.
    public var seed: Int
    /// Every score (task metric, interactivity, tokens, …), by metric name order.
    public var scores: [ScoreEntry]
    /// The turns, in order.
    public var turns: [TranscriptTurn]
    /// The judge's calls, by criterion and attempt.
    public var judgeCalls: [JudgeCallRecord]
    /// The simulator gate's reasons, if it flagged this conversation.
    public var gateReasons: [String]
}
