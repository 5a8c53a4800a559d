/// The document-quality judge: one call rates a final document from 1 to 10 against what the
/// user wanted (their task card and hidden intent), as the user would rate it.
///
/// `calibrate judge` holds it against the real users' own document ratings. The verdict's
/// criterion is `document_quality`; ``JudgeVerdict/score`` and ``JudgeVerdict/rawScore`` are the
/// integer 1–10 as given. An unreadable reply (no whole number from 1 to 10 in it) is retried up
/// to ``maxAttempts`` times with a new seed; if none can be read the verdict is
/// ``JudgeStatus/unscored`` with every raw reply kept. It is never 0.
public struct DocumentQualityJudge: Sendable {
    /// The judge model.
    public var model: any ChatModel
    /// Prompt templates (`judge.document-quality` is used).
    public var prompts: PromptLibrary
    /// Sampling (temperature 0 like the other judges).
    public var sampling: Sampling
    /// Ask for JSON through `response_format`.
    public var structuredOutput: Bool
    /// Calls made at most for one document when replies cannot be read.
    public var maxAttempts: Int

    /// The criterion recorded with the verdict.
    public static let criterion = "document_quality"
    /// The prompt template used.
    public static let templateName = "judge.document-quality"

    /// The JSON schema the judge is asked to follow: a short thought, then an integer 1–10.
    public static let schemaJSON = """
        {"type":"object","properties":{"thought":{"type":"string","maxLength":600},\
        "score":{"type":"integer","minimum":1,"maximum":10}},"required":["thought","score"]}
        """

    /// Creates a judge.
    /// - Parameters:
    ///   - model: The judge model.
    ///   - prompts: Prompt templates; `judge.document-quality` must be among them.
    ///   - sampling: Sampling settings.
    ///   - structuredOutput: Ask for the JSON schema through `response_format`.
    ///   - maxAttempts: Calls made at most when replies cannot be read (at least 1).
    public init(
        model: any ChatModel, prompts: PromptLibrary, sampling: Sampling = .init(temperature: 0, maxTokens: 400),
        structuredOutput: Bool = true, maxAttempts: Int = 3
    ) {
        self.model = model
        self.prompts = prompts
        self.sampling = sampling
        self.structuredOutput = structuredOutput
        self.maxAttempts = max(1, maxAttempts)
    }

    /// Rates `document` against `hiddenIntent`.
    /// - Parameters:
    ///   - document: The final document the assistant gave.
    ///   - hiddenIntent: What the user wanted.
    ///   - seed: The conversation's seed; each call's seed is derived from it.
    /// - Returns: The verdict (score 1–10 when scored), with every call made.
    /// - Throws: ``CollabBenchError`` for a missing or broken template, or `CancellationError`.
    public func judge(document: String, hiddenIntent: String, seed: Int) async throws -> JudgeVerdict {
        let template = try prompts.template(Self.templateName)
        let prompt = try template.render(["hidden_intent": hiddenIntent, "document": document])
        let loop = JudgeCallLoop(
            model: model, sampling: sampling,
            responseFormat: structuredOutput ? ResponseFormat(name: "document_quality_verdict", schemaJSON: Self.schemaJSON) : nil,
            maxAttempts: maxAttempts)
        switch try await loop.run(messages: [.user(prompt)], seed: seed, seedKey: Self.templateName, read: Self.parse) {
        case .read(let parsed, let calls):
            return JudgeVerdict(
                criterion: Self.criterion, status: .scored, rawScore: parsed.score, score: parsed.score, thought: parsed.thought,
                calls: calls, promptHash: template.hash)
        case .failed(let error, let calls):
            return JudgeVerdict(
                criterion: Self.criterion, status: .failed, calls: calls, promptHash: template.hash,
                detail: "document-quality judge (\(model.spec)): \(error)")
        case .unreadable(let calls):
            return JudgeVerdict(
                criterion: Self.criterion, status: .unscored, calls: calls, promptHash: template.hash,
                detail: "no readable 1-10 rating in \(calls.count) judge replies")
        }
    }

    /// Reads a whole-number rating from 1 to 10 from a reply (JSON `score`/`rating` anywhere in
    /// the text, else a plainly stated `score: N`); nil for anything else (0, 11, 7.5, no number).
    public static func parse(_ raw: String) -> (score: Double, thought: String?)? {
        guard let parsed = JudgeReplyParser.score(in: raw, allowed: 1...10), parsed.score == parsed.score.rounded() else { return nil }
        return parsed
    }
}
