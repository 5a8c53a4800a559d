import CollabBenchMetrics
import CollabBenchPacks
import CollabBenchReports

/// The result of `calibrate judge`: for each human reference set, how well each judge's
/// interactivity scores agree with the users' own ratings of the same conversations.
public struct JudgeCalibration: Sendable, Codable, Hashable {
    /// One entry per human run in the store.
    public var sets: [SetCalibration]

    /// One reference set.
    public struct SetCalibration: Sendable, Codable, Hashable {
        /// The set.
        public var set: HumanReferenceSet
        /// The human run judged, and the calibration run that now holds the judges' scores.
        public var humanRun: String
        public var calibrationRun: String
        /// The users' rating the judges are held against (`human.<rating>` metric).
        public var ratingMetric: String
        /// One entry per judge, in `--judge` order.
        public var judges: [JudgeStatistics]
        /// Krippendorff's α (interval) between the judges, one coder per judge (its mean over
        /// repeats); nil with one judge or when undefined.
        public var judgesAlpha: Double?
        /// Every conversation: its id, recorded model, the user's rating and each judge's score.
        public var conversations: [ConversationScore]
    }

    /// One judge on one set.
    public struct JudgeStatistics: Sendable, Codable, Hashable {
        /// The judge's model spec.
        public var judge: String
        /// Conversations with a readable score (the pairs of the statistics).
        public var n: Int
        /// Conversations with no readable judge reply in any repeat (left out, never 0).
        public var unscored: Int
        /// Conversations whose judge calls failed (left out).
        public var failed: Int
        /// Spearman's ρ, Kendall's τ-b and Pearson's r against the users' ratings, each with its
        /// seeded 95 % percentile bootstrap interval over conversations.
        public var spearman: CorrelationEstimate
        public var kendall: CorrelationEstimate
        public var pearson: CorrelationEstimate
    }

    /// One conversation.
    public struct ConversationScore: Sendable, Codable, Hashable {
        /// The conversation id (`doc-07-…`, `math-12-…`).
        public var id: String
        /// The recorded assistant.
        public var model: String?
        /// The user's own rating.
        public var userRating: Double?
        /// Each judge's score (the mean of its readable repeats), nil when none was readable.
        public var judgeScores: [Double?]
    }
}
