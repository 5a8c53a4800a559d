/// The interactivity (ITR) judge: one call per conversation.
///
/// Two scales (``ITRScale``): the paper's 3-level rubric (``ITRScale/threeLevel``, each score S
/// reported as 2·(S − 2.5)) and the later 0–1 variant (``ITRScale/unit``, the float stored
/// as given).
/// Each scale has its own prompt template and criterion name, so the verdict's prompt hash and
/// criterion say which one produced a score.
///
/// An unreadable reply is retried up to ``maxAttempts`` times (with a new seed); if none can be
/// read the verdict is ``JudgeStatus/unscored`` with every raw reply kept. It is never 0.
public struct InteractivityJudge: Sendable {
    /// The rating scale the judge is asked to use: the one ``ITRScale`` of CollabBench.
    public typealias Scale = ITRScale

    /// The judge model.
    public var model: any ChatModel
    /// Prompt templates.
    public var prompts: PromptLibrary
    /// Sampling (paper: temperature 0).
    public var sampling: Sampling
    /// Ask for JSON through `response_format`.
    public var structuredOutput: Bool
    /// Calls made at most for one conversation when replies cannot be read.
    public var maxAttempts: Int
    /// The rating scale.
    public var scale: ITRScale

    /// The JSON schema of the 3-level rubric.
    public static let schemaJSON = """
        {"type":"object","properties":{"thought":{"type":"string","maxLength":600},\
        "score":{"type":"integer","enum":[1,2,3]}},"required":["thought","score"]}
        """

    /// The JSON schema of the 0–1 variant.
    public static let unitSchemaJSON = """
        {"type":"object","properties":{"thought":{"type":"string","maxLength":600},\
        "score":{"type":"number","minimum":0,"maximum":1}},"required":["thought","score"]}
        """

    /// Creates a judge.
    /// - Parameters:
    ///   - model: The judge model.
    ///   - prompts: Prompt templates (`judge.interactivity` or `judge.interactivity.unit` is used).
    ///   - sampling: Sampling settings; the paper judges at temperature 0.
    ///   - structuredOutput: Ask for the JSON schema through `response_format`.
    ///   - maxAttempts: Calls made at most when replies cannot be read (at least 1).
    ///   - scale: The rating scale; the paper's 3-level rubric by default.
    public init(
        model: any ChatModel, prompts: PromptLibrary, sampling: Sampling = .init(temperature: 0, maxTokens: 400),
        structuredOutput: Bool = true, maxAttempts: Int = 3, scale: ITRScale = .threeLevel
    ) {
        self.model = model
        self.prompts = prompts
        self.sampling = sampling
        self.structuredOutput = structuredOutput
        self.maxAttempts = max(1, maxAttempts)
        self.scale = scale
    }

    /// Judges a finished conversation.
    /// - Parameters:
    ///   - task: The task; the judge sees its hidden intent.
    ///   - transcript: The conversation.
    ///   - seed: The conversation's seed; each call's seed is derived from it.
    /// - Returns: The verdict, with every call made.
    /// - Throws: ``CollabBenchError`` for a broken template, or `CancellationError`.
    public func judge(task: BenchmarkTask, transcript: Transcript, seed: Int) async throws -> JudgeVerdict {
        let template = try prompts.template(scale.templateName)
        let prompt = try template.render(["hidden_intent": task.hiddenIntent, "transcript": transcript.rendered()])
        let criterion = scale.criterion
        let scale = self.scale
        let loop = JudgeCallLoop(
            model: model, sampling: sampling,
            responseFormat: structuredOutput ? ResponseFormat(name: "interactivity_verdict", schemaJSON: scale.schemaJSON) : nil,
            maxAttempts: maxAttempts)
        // A reply is readable when it states a score on the scale (a whole 1-3 on the paper's rubric).
        let read = { (text: String) -> (score: Double, thought: String?)? in
            guard let parsed = JudgeReplyParser.score(in: text, allowed: scale.allowed), parsed.score.isFinite else { return nil }
            switch scale {
            case .threeLevel: return parsed.score == parsed.score.rounded() ? parsed : nil
            case .unit: return parsed
            }
        }
        switch try await loop.run(messages: [.user(prompt)], seed: seed, seedKey: scale.templateName, read: read) {
        case .read(let parsed, let calls):
            let reported = scale == .threeLevel ? 2 * (parsed.score - 2.5) : parsed.score
            return JudgeVerdict(
                criterion: criterion, status: .scored, rawScore: parsed.score, score: reported,
                thought: parsed.thought, calls: calls, promptHash: template.hash)
        case .failed(let error, let calls):
            return JudgeVerdict(criterion: criterion, status: .failed, calls: calls, promptHash: template.hash, detail: "judge (\(model.spec)): \(error)")
        case .unreadable(let calls):
            return JudgeVerdict(
                criterion: criterion, status: .unscored, calls: calls, promptHash: template.hash,
                detail: "no readable score in \(calls.count) judge replies")
        }
    }
}
