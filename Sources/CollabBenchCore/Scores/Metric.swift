/// A metric as reports read it: its stored name, the label tables show, the scale its values are
/// reported on, which direction is better and whether it is a 0/1 outcome per conversation.
///
/// Scores are stored under ``name`` (`scores.metric`); everything else here is how reports treat
/// them. The known metrics are static members; ``named(_:)`` gives one for any stored name, with
/// neutral properties for names it does not know (`itr.0.1`, metrics added later).
///
/// ```swift
/// let metric = Metric.named("tok_k")   // Metric.tokensK
/// metric.scale.factor                  // 1 (thousands of tokens, as stored)
/// metric.direction                     // .lowerIsBetter
/// Metric.named("pass_rate").isBinary   // true: McNemar and pass@k apply
/// ```
public struct Metric: Sendable, Hashable {
    /// How a metric's stored values become reporting units.
    public enum Scale: String, Sendable, Hashable, CaseIterable {
        /// A fraction (or ITR score) reported ×100, in points.
        case percent
        /// A value reported as stored.
        case unit
        /// Thousands of tokens, reported as stored.
        case thousandsOfTokens
        /// A count, reported as stored.
        case count

        /// The factor from a stored value to reporting units (100 for ``percent``, else 1).
        public var factor: Double { self == .percent ? 100 : 1 }

        /// Decimals a comparison or gate table shows (3 for thousands of tokens, else 1).
        public var digits: Int { self == .thousandsOfTokens ? 3 : 1 }

        /// What a difference is measured in: `k tokens` for thousands of tokens, else `points`.
        public var differenceUnit: String { self == .thousandsOfTokens ? "k tokens" : "points" }
    }

    /// Which values of a metric are better.
    public enum Direction: String, Sendable, Hashable, CaseIterable {
        /// Higher is better (task metrics, ITR).
        case higherIsBetter
        /// Lower is better (the agent's tokens).
        case lowerIsBetter
        /// Neither: a figure reported without a verdict.
        case neither
    }

    /// The stored name (`scores.metric`), e.g. `pass_rate`.
    public var name: String
    /// The label tables show, e.g. `Pass`; the name itself when it has no shorter one.
    public var label: String
    /// How stored values become reporting units.
    public var scale: Scale
    /// Which values are better.
    public var direction: Direction
    /// Whether reports treat it as a 0/1 outcome per conversation (McNemar's test, pass@k).
    public var isBinary: Bool
    /// The task kind whose task metric this is, or nil for the metrics every kind has.
    public var taskKind: TaskKind?

    /// Creates a metric.
    public init(
        name: String, label: String? = nil, scale: Scale = .unit, direction: Direction = .neither, isBinary: Bool = false,
        taskKind: TaskKind? = nil
    ) {
        self.name = name
        self.label = label ?? name
        self.scale = scale
        self.direction = direction
        self.isBinary = isBinary
        self.taskKind = taskKind
    }

    // MARK: - Task metrics

    /// Math: the symbolic check of the final answer (or the judge's verdict when judged accuracy is primary).
    public static let accuracy = Metric(
        name: "accuracy", label: "Acc", scale: .percent, direction: .higherIsBetter, isBinary: true, taskKind: .math)
    /// Code: whether the program passes the task's unit tests.
    public static let passRate = Metric(
        name: "pass_rate", label: "Pass", scale: .percent, direction: .higherIsBetter, isBinary: true, taskKind: .code)
    /// Documents: BLEU of the final document against the reference.
    public static let bleu = Metric(name: "bleu", label: "BLEU", scale: .percent, direction: .higherIsBetter, taskKind: .docs)
    /// Math: the accuracy judge's verdict, kept beside a symbolic `accuracy` (reported as stored).
    public static let accuracyJudged = Metric(name: "accuracy_judged")
    /// Math: the symbolic check, kept beside a judged `accuracy` (reported as stored).
    public static let accuracySymbolic = Metric(name: "accuracy_symbolic")

    // MARK: - Metrics of every conversation

    /// Thousands of cl100k tokens of the agent's messages (#Tok).
    public static let tokensK = Metric(name: "tok_k", label: "#Tok (k)", scale: .thousandsOfTokens, direction: .lowerIsBetter)
    /// Thousands of cl100k tokens of the simulated user's messages.
    public static let userTokensK = Metric(name: "user_tok_k", scale: .thousandsOfTokens)
    /// User/assistant exchanges.
    public static let turns = Metric(name: "turns", scale: .count)
    /// The interactivity judge's score (ITR), the mean of its readable judgements.
    public static let itr = Metric(name: "itr", label: "ITR", scale: .percent, direction: .higherIsBetter)
    /// Share of the simulated user's messages that were not the requested JSON.
    public static let simulatorFormatErrors = Metric(name: "sim_format_errors")
    /// 1 when the simulated user ended the conversation before the agent answered.
    public static let simulatorEarlyStop = Metric(name: "sim_early_stop")
    /// Longest stretch of the reference the simulated user copied, as a fraction of the reference.
    public static let simulatorLeak = Metric(name: "sim_leak")
    /// Share of the reference's word 8-grams the simulated user's messages hold.
    public static let simulatorLeakNGram = Metric(name: "sim_leak_ngram")

    /// Every known metric.
    public static let known: [Metric] = [
        .accuracy, .passRate, .bleu, .accuracyJudged, .accuracySymbolic, .tokensK, .userTokensK, .turns, .itr,
        .simulatorFormatErrors, .simulatorEarlyStop, .simulatorLeak, .simulatorLeakNGram,
    ]

    private static let byName: [String: Metric] = Dictionary(uniqueKeysWithValues: known.map { ($0.name, $0) })

    /// The metric stored as `name`: a known one, else one labelled by its name, reported as
    /// stored, with no better direction and not binary.
    public static func named(_ name: String) -> Metric {
        byName[name] ?? Metric(name: name)
    }

    /// The task metric of `kind`'s packs.
    public static func task(of kind: TaskKind) -> Metric {
        switch kind {
        case .math: .accuracy
        case .code: .passRate
        case .docs: .bleu
        }
    }

    /// Whether this is the task metric of some task kind.
    public var isTaskMetric: Bool { taskKind != nil }

    /// True when higher values are better, false when lower ones are, nil when neither is.
    public var higherIsBetter: Bool? {
        switch direction {
        case .higherIsBetter: true
        case .lowerIsBetter: false
        case .neither: nil
        }
    }
}

extension TaskKind {
    /// The task metric of this kind's packs (``Metric/accuracy``, ``Metric/passRate``, ``Metric/bleu``).
    public var metric: Metric { Metric.task(of: self) }
}
