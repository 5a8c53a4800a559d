/// How far a set of conversations' numbers can be trusted, counted from their score entries: the
/// one tally behind the run summary's quality line (`RunQuality` in the runner) and the
/// leaderboard's unscored, early-stop and leak columns.
///
/// Each conversation's task-metric and ITR entries are sorted into disjoint buckets (missing,
/// skipped, not scored), so each report can state its own rule from them: the run summary counts
/// a skipped task metric as unscored, the leaderboard counts it apart and counts a missing entry
/// as unscored.
///
/// ```swift
/// var tally = QualityTally()
/// for conversation in completed { tally.add(conversation.scores, taskMetric: "pass_rate") }
/// print(tally.earlyStops, tally.leaksFlagged)
/// ```
public struct QualityTally: Sendable, Hashable {
    /// Conversations added.
    public var conversations = 0
    /// Conversations without an entry for the task metric.
    public var taskMetricMissing = 0
    /// Task metric ``ScoreStatus/skipped`` (a reason outside the agent, e.g. a missing library).
    public var taskMetricSkipped = 0
    /// Task metric ``ScoreStatus/unscored`` or ``ScoreStatus/failed``.
    public var taskMetricNotScored = 0
    /// Conversations without an `itr` entry.
    public var interactivityMissing = 0
    /// `itr` present but not ``ScoreStatus/scored`` (no readable judge reply, or the judge failed).
    public var interactivityNotScored = 0
    /// Conversations with the task metric neither scored nor skipped (missing included), or with
    /// ITR not scored (missing included).
    public var conversationsWithUnscoredFigure = 0
    /// Sum of per-conversation shares of simulator replies that were not the requested JSON
    /// (`sim_format_errors`; a missing entry adds 0).
    public var simulatorFormatErrorSum = 0.0
    /// Conversations the simulated user ended before the agent answered (`sim_early_stop` = 1).
    public var earlyStops = 0
    /// Conversations whose `sim_leak` entry raises ``ScoreFlag/leak``.
    public var leaksFlagged = 0

    /// Creates an empty tally.
    public init() {}

    /// A tally of `conversations`, each given as its scores by metric name.
    /// - Parameters:
    ///   - conversations: Each conversation's score entries, keyed by metric.
    ///   - taskMetric: The pack's task metric (`accuracy`, `pass_rate`, `bleu`).
    public init(_ conversations: some Sequence<[String: ScoreEntry]>, taskMetric: String) {
        for scores in conversations { add(scores, taskMetric: taskMetric) }
    }

    /// Adds one conversation.
    /// - Parameters:
    ///   - scores: Its score entries, keyed by metric.
    ///   - taskMetric: The pack's task metric.
    public mutating func add(_ scores: [String: ScoreEntry], taskMetric: String) {
        conversations += 1
        let task = scores[taskMetric]?.status
        switch task {
        case nil: taskMetricMissing += 1
        case .skipped: taskMetricSkipped += 1
        case .unscored, .failed: taskMetricNotScored += 1
        case .scored: break
        }
        let itr = scores["itr"]?.status
        switch itr {
        case nil: interactivityMissing += 1
        case .scored: break
        default: interactivityNotScored += 1
        }
        if (task != .scored && task != .skipped) || itr != .scored { conversationsWithUnscoredFigure += 1 }
        simulatorFormatErrorSum += scores["sim_format_errors"]?.value ?? 0
        if scores["sim_early_stop"]?.value == 1 { earlyStops += 1 }
        if scores[ScoreFlag.leak.metric]?.flag == .leak { leaksFlagged += 1 }
    }

    /// Adds one conversation given as a list of entries (the first entry of a metric counts).
    /// - Parameters:
    ///   - scores: Its score entries.
    ///   - taskMetric: The pack's task metric.
    public mutating func add(_ scores: [ScoreEntry], taskMetric: String) {
        add(Dictionary(scores.map { ($0.metric, $0) }, uniquingKeysWith: { first, _ in first }), taskMetric: taskMetric)
    }
}
