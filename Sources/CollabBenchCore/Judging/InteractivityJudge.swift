/// The interactivity (ITR) judge: one call per conversation on the paper's 3-level rubric.
///
/// An unreadable reply is retried up to ``maxAttempts`` times (with a new seed); if none can be
/// read the verdict is ``JudgeStatus/unscored`` with every raw reply kept. It is never 0.
public struct InteractivityJudge: Sendable {
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

    /// The JSON schema the judge is asked to follow.
    public static let schemaJSON = """
        {"type":"object","properties":{"thought":{"type":"string","maxLength":600},\
        "score":{"type":"integer","enum":[1,2,3]}},"required":["thought","score"]}
        """

    /// Creates a judge.
    public init(model: any ChatModel, prompts: PromptLibrary, sampling: Sampling = .init(temperature: 0, maxTokens: 400), structuredOutput: Bool = true, maxAttempts: Int = 3) {
        self.model = model
        self.prompts = prompts
        self.sampling = sampling
        self.structuredOutput = structuredOutput
        self.maxAttempts = max(1, maxAttempts)
    }

    /// Judges a finished conversation.
    /// - Throws: ``CollabBenchError`` for a broken template, or `CancellationError`.
    public func judge(task: BenchmarkTask, transcript: Transcript, seed: Int) async throws -> JudgeVerdict {
        let template = try prompts.template("judge.interactivity")
        let prompt = try template.render(["hidden_intent": task.hiddenIntent, "transcript": transcript.rendered()])
        let messages: [ChatMessage] = [.user(prompt)]
        var calls: [CallRecord] = []
        for attempt in 0..<maxAttempts {
            let callSeed = StableHash.derivedSeed(seed, "judge.interactivity", String(attempt))
            let request = ChatRequest(
                messages: messages, sampling: sampling, seed: callSeed,
                responseFormat: structuredOutput ? ResponseFormat(name: "interactivity_verdict", schemaJSON: Self.schemaJSON) : nil)
            let completion: ChatCompletion
            do {
                completion = try await model.complete(request)
            } catch {
                try ConversationEngine.rethrowIfRunWide(error)
                return JudgeVerdict(criterion: "interactivity", status: .failed, calls: calls, promptHash: template.hash, detail: "judge (\(model.spec)): \(error)")
            }
            var call = CallRecord(model: model.spec.description, completion: completion, seed: callSeed, requestHash: ConversationEngine.hash(messages))
            if let parsed = JudgeReplyParser.score(in: completion.text, allowed: 1...3), parsed.score == parsed.score.rounded() {
                calls.append(call)
                return JudgeVerdict(
                    criterion: "interactivity", status: .scored, rawScore: parsed.score, score: 2 * (parsed.score - 2.5),
                    thought: parsed.thought, calls: calls, promptHash: template.hash)
            }
            call.formatError = true
            calls.append(call)
        }
        return JudgeVerdict(
            criterion: "interactivity", status: .unscored, calls: calls, promptHash: template.hash,
            detail: "no readable score in \(calls.count) judge replies")
    }
}
