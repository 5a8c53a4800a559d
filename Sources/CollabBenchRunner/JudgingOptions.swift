import CollabBenchCore
import CollabBenchScoring

/// The judges a run uses beyond its primary interactivity judge.
public struct JudgingOptions: Sendable {
    /// Further interactivity judges (other models); each rates every conversation.
    public var additionalInteractivityJudges: [InteractivityJudge]
    /// Judgements per conversation and judge.
    public var repeats: Int
    /// The math accuracy judge, when judged accuracy is on.
    public var accuracyJudge: AccuracyJudge?
    /// Under the `collabllm` protocol the judged accuracy is the task metric (`accuracy`) and the
    /// symbolic check is kept as `accuracy_symbolic`; otherwise the judged one is `accuracy_judged`.
    public var judgedAccuracyIsPrimary: Bool
    /// The LLM extractor of final documents and programs; nil uses the deterministic one.
    public var extractor: ArtifactLLMExtractor?
    /// Share of the reference a simulated user may copy before its conversation is flagged.
    public var leakThreshold: Double

    /// Creates options; the defaults add nothing to the primary judge.
    public init(
        additionalInteractivityJudges: [InteractivityJudge] = [], repeats: Int = 1, accuracyJudge: AccuracyJudge? = nil,
        judgedAccuracyIsPrimary: Bool = false, extractor: ArtifactLLMExtractor? = nil, leakThreshold: Double = 0.3
    ) {
        self.additionalInteractivityJudges = additionalInteractivityJudges
        self.repeats = max(1, repeats)
        self.accuracyJudge = accuracyJudge
        self.judgedAccuracyIsPrimary = judgedAccuracyIsPrimary
        self.extractor = extractor
        self.leakThreshold = leakThreshold
    }
}
