import CollabBenchMetrics
import CollabBenchPacks
import CollabBenchReports

/// The result of `calibrate judge`: for each human reference set, how well each judge's
/// interactivity scores agree with the users' own ratings of the same conversations, and likewise
/// for the set's other instruments (``Instrument``): the document-quality judge on document
/// creation, the correctness of the assistant's last answer on math tutoring.
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
        /// Every instrument calibrated on the set, interactivity first (the same figures as the
        /// fields above), then document quality (documents) or correctness (math).
        public var instruments: [InstrumentCalibration]

        /// Creates a set's calibration.
        public init(
            set: HumanReferenceSet, humanRun: String, calibrationRun: String, ratingMetric: String, judges: [JudgeStatistics],
            judgesAlpha: Double?, conversations: [ConversationScore], instruments: [InstrumentCalibration]
        ) {
            self.set = set
            self.humanRun = humanRun
            self.calibrationRun = calibrationRun
            self.ratingMetric = ratingMetric
            self.judges = judges
            self.judgesAlpha = judgesAlpha
            self.conversations = conversations
            self.instruments = instruments
        }

        enum CodingKeys: String, CodingKey {
            case set, humanRun, calibrationRun, ratingMetric, judges, judgesAlpha, conversations, instruments
        }

        /// Decodes a stored calibration; one stored before the other instruments existed has none.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            set = try c.decode(HumanReferenceSet.self, forKey: .set)
            humanRun = try c.decode(String.self, forKey: .humanRun)
            calibrationRun = try c.decode(String.self, forKey: .calibrationRun)
            ratingMetric = try c.decode(String.self, forKey: .ratingMetric)
            judges = try c.decode([JudgeStatistics].self, forKey: .judges)
            judgesAlpha = try c.decodeIfPresent(Double.self, forKey: .judgesAlpha)
            conversations = try c.decode([ConversationScore].self, forKey: .conversations)
            instruments = try c.decodeIfPresent([InstrumentCalibration].self, forKey: .instruments) ?? []
        }

        /// The calibration of `instrument`, if it was run on this set.
        public func instrument(_ instrument: Instrument) -> InstrumentCalibration? {
            instruments.first { $0.instrument == instrument }
        }
    }

    /// What is held against the users' ratings.
    public enum Instrument: String, Sendable, Codable, Hashable, CaseIterable {
        /// The interactivity (ITR) judge, against the users' rating of the interaction.
        case interactivity
        /// The document-quality judge (1–10) on the final document, against the users' document rating.
        case documentQuality = "document-quality"
        /// Whether the assistant's last answer is correct (1 or 0), against the students' overall rating.
        case correctness

        /// The score the calibration run stores for it (`itr`, `document_quality`, `correctness`).
        public var metric: String {
            switch self {
            case .interactivity: "itr"
            case .documentQuality: "document_quality"
            case .correctness: "correctness"
            }
        }
    }

    /// One instrument on one set.
    public struct InstrumentCalibration: Sendable, Codable, Hashable {
        /// The instrument.
        public var instrument: Instrument
        /// The users' rating it is held against (`human.<rating>` metric).
        public var ratingMetric: String
        /// One entry per judge, in `--judge` order (correctness: the judged accuracy where the
        /// answer could not be checked symbolically).
        public var judges: [JudgeStatistics]
        /// Krippendorff's α (interval) between the judges; nil with one judge or when undefined.
        public var judgesAlpha: Double?
        /// Every conversation: its id, recorded model, the user's rating and each judge's score.
        public var conversations: [ConversationScore]
        /// Correctness: conversations whose last `\boxed{}` answer was checked symbolically
        /// against the reference (no judge call; the same for every judge).
        public var symbolicChecks: Int?
        /// Correctness: conversations whose problem the MATH file does not hold (left out, unscored).
        public var missingReferences: Int?
        /// Why the instrument was not run, when it was not (e.g. no MATH file given); nil when it ran.
        public var notRun: String?

        /// Creates an instrument's calibration.
        public init(
            instrument: Instrument, ratingMetric: String, judges: [JudgeStatistics], judgesAlpha: Double?,
            conversations: [ConversationScore], symbolicChecks: Int? = nil, missingReferences: Int? = nil, notRun: String? = nil
        ) {
            self.instrument = instrument
            self.ratingMetric = ratingMetric
            self.judges = judges
            self.judgesAlpha = judgesAlpha
            self.conversations = conversations
            self.symbolicChecks = symbolicChecks
            self.missingReferences = missingReferences
            self.notRun = notRun
        }
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
