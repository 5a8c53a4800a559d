/// The three kinds of task CollabBench knows, one per task pack family of the CollabLLM benchmark.
public enum TaskKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// Math QA (MATH-Chat): the final `\boxed{}` answer is checked.
    case math
    /// Code assistance (BigCodeBench-Chat): the final program must pass every unit test.
    case code
    /// Document creation (MediumDocEdit-Chat): the final document is compared to the target by BLEU.
    case docs

    /// The paper's maximum number of user/assistant exchanges for this kind.
    public var defaultMaxExchanges: Int {
        switch self {
        case .math, .code: 6
        case .docs: 8
        }
    }

    /// The paper's agent temperature for this kind (top_p is 0.9 for all).
    public var paperAgentTemperature: Double {
        switch self {
        case .math, .code: 0.6
        case .docs: 0.8
        }
    }

    /// The name of the task metric, as shown in leaderboards.
    public var metricName: String {
        switch self {
        case .math: "accuracy"
        case .code: "pass_rate"
        case .docs: "bleu"
        }
    }
}
