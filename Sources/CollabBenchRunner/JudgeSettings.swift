import CollabBenchCore
import CollabBenchScoring

/// How a run's judges call their model: sampling, structured output, attempts and the rubric.
///
/// One place builds the interactivity judge, the accuracy judge and the LLM extractor, so `run`,
/// `rejudge` and anything else that judges build them alike.
public struct JudgeSettings: Sendable, Hashable {
    /// Judge sampling (the paper judges at temperature 0).
    public var sampling: Sampling
    /// Ask for JSON through `response_format`.
    public var structuredOutput: Bool
    /// Calls at most per judgement when replies cannot be read.
    public var maxAttempts: Int
    /// The interactivity rubric.
    public var scale: ITRScale

    /// Creates settings.
    public init(sampling: Sampling, structuredOutput: Bool, maxAttempts: Int, scale: ITRScale) {
        self.sampling = sampling
        self.structuredOutput = structuredOutput
        self.maxAttempts = maxAttempts
        self.scale = scale
    }

    /// The settings a plan asks for.
    public init(plan: RunPlan) {
        self.init(
            sampling: Sampling(temperature: 0, maxTokens: plan.judgeMaxTokens), structuredOutput: plan.structuredOutput,
            maxAttempts: plan.judgeAttempts, scale: plan.itrScale)
    }

    /// An interactivity judge calling `model`.
    public func interactivityJudge(model: any ChatModel, prompts: PromptLibrary) -> InteractivityJudge {
        InteractivityJudge(
            model: model, prompts: prompts, sampling: sampling, structuredOutput: structuredOutput, maxAttempts: maxAttempts, scale: scale)
    }

    /// A math accuracy judge calling `model`.
    public func accuracyJudge(model: any ChatModel, prompts: PromptLibrary) -> AccuracyJudge {
        AccuracyJudge(model: model, prompts: prompts, sampling: sampling, structuredOutput: structuredOutput, maxAttempts: maxAttempts)
    }

    /// An LLM extractor calling `model`, with room for `maxTokens` of artefact.
    public func extractor(model: any ChatModel, prompts: PromptLibrary, maxTokens: Int, mode: ArtifactLLMExtractor.Mode) -> ArtifactLLMExtractor {
        ArtifactLLMExtractor(
            model: model, prompts: prompts, sampling: Sampling(temperature: 0, maxTokens: maxTokens), structuredOutput: structuredOutput,
            maxAttempts: maxAttempts, mode: mode)
    }
}
