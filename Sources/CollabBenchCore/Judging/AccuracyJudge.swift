import Foundation

/// The paper's judged accuracy for math: one call sees the whole conversation, the question and
/// the reference solution, grades only the LAST answer the assistant gave, and returns 0 or 1.
///
/// The verdict's criterion is `accuracy`; ``JudgeVerdict/score`` and ``JudgeVerdict/rawScore``
/// are 0 or 1. An unreadable reply (no 0/1 verdict in it) is retried up to ``maxAttempts`` times
/// with a new seed; if none can be read the verdict is ``JudgeStatus/unscored`` with every raw
/// reply kept. It is never 0.
public struct AccuracyJudge: Sendable {
    /// The judge model.
    public var model: any ChatModel
    /// Prompt templates (`judge.accuracy` is used).
    public var prompts: PromptLibrary
    /// Sampling (paper: temperature 0).
    public var sampling: Sampling
    /// Ask for JSON through `response_format`.
    public var structuredOutput: Bool
    /// Calls made at most for one conversation when replies cannot be read.
    public var maxAttempts: Int

    /// The criterion recorded with the verdict.
    public static let criterion = "accuracy"
    /// The prompt template used.
    public static let templateName = "judge.accuracy"

    /// The JSON schema the judge is asked to follow: a short thought, then 0 or 1.
    public static let schemaJSON = """
        {"type":"object","properties":{"thought":{"type":"string","maxLength":600},\
        "accuracy":{"type":"integer","enum":[0,1]}},"required":["thought","accuracy"]}
        """

    /// Creates a judge.
    /// - Parameters:
    ///   - model: The judge model.
    ///   - prompts: Prompt templates.
    ///   - sampling: Sampling settings; the paper judges at temperature 0.
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

    /// Grades the last answer the assistant gave in `transcript`.
    /// - Parameters:
    ///   - task: The task: its ``BenchmarkTask/prompt`` is the question, its reference text the solution.
    ///   - transcript: The conversation.
    ///   - seed: The conversation's seed; each call's seed is derived from it.
    /// - Returns: The verdict (score 0 or 1 when scored), with every call made.
    /// - Throws: ``CollabBenchError`` for a broken template, or `CancellationError`.
    public func judge(task: BenchmarkTask, transcript: Transcript, seed: Int) async throws -> JudgeVerdict {
        let template = try prompts.template(Self.templateName)
        let prompt = try template.render([
            "question": task.prompt, "reference": task.reference.text, "transcript": transcript.rendered(),
        ])
        let loop = JudgeCallLoop(
            model: model, sampling: sampling,
            responseFormat: structuredOutput ? ResponseFormat(name: "accuracy_verdict", schemaJSON: Self.schemaJSON) : nil,
            maxAttempts: maxAttempts)
        switch try await loop.run(messages: [.user(prompt)], seed: seed, seedKey: Self.templateName, read: Self.parse) {
        case .read(let parsed, let calls):
            return JudgeVerdict(
                criterion: Self.criterion, status: .scored, rawScore: parsed.accuracy, score: parsed.accuracy,
                thought: parsed.thought, calls: calls, promptHash: template.hash)
        case .failed(let error, let calls):
            return JudgeVerdict(
                criterion: Self.criterion, status: .failed, calls: calls, promptHash: template.hash,
                detail: "accuracy judge (\(model.spec)): \(error)")
        case .unreadable(let calls):
            return JudgeVerdict(
                criterion: Self.criterion, status: .unscored, calls: calls, promptHash: template.hash,
                detail: "no readable 0/1 accuracy in \(calls.count) judge replies")
        }
    }

    /// Reads a 0/1 verdict from a reply, however it was written: a JSON object anywhere in the text
    /// with `accuracy` (or `score`, `correct`) as 0, 1, `true`, `false` or a string holding one of
    /// those; else a plainly stated `accuracy: N` / `score: N`. Anything else, including values
    /// other than 0 and 1, is unreadable (nil).
    public static func parse(_ raw: String) -> (accuracy: Double, thought: String?)? {
        if let object = JSONValue.firstObject(in: raw) {
            for key in ["accuracy", "score", "correct"] {
                guard let value = object[key] else { continue }
                if let bit = bit(value) { return (bit, object["thought"]?.stringValue) }
                return nil  // the field is there but holds something else: unreadable, not a guess
            }
        }
        if let stated = statedBit(in: raw, keywords: ["accuracy"]) { return (stated, nil) }
        if let parsed = JudgeReplyParser.score(in: raw, allowed: 0...1), parsed.score == 0 || parsed.score == 1 {
            return (parsed.score, parsed.thought)
        }
        return nil
    }

    private static func bit(_ value: JSONValue) -> Double? {
        switch value {
        case .bool(let b): return b ? 1 : 0
        case .number(let n): return n == 0 || n == 1 ? n : nil
        case .string(let s):
            switch s.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
            case "1", "true", "correct", "yes": return 1
            case "0", "false", "incorrect", "no": return 0
            default: return nil
            }
        default: return nil
        }
    }

    /// A `keyword: N` stated in prose where N reads as exactly 0 or 1 (`1`, `0.`, `1.0`); a number
    /// that is anything else (`10`, `0.5`) does not count and the search goes on.
    private static func statedBit(in raw: String, keywords: [String]) -> Double? {
        let lowered = Array(raw.lowercased().utf8)
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        for keyword in keywords {
            let key = Array(keyword.utf8)
            var i = 0
            while i + key.count <= lowered.count {
                guard lowered[i..<(i + key.count)].elementsEqual(key) else {
                    i += 1
                    continue
                }
                var j = i + key.count
                while j < lowered.count, " \t:=*\"'".utf8.contains(lowered[j]) { j += 1 }
                var number: [UInt8] = []
                while j < lowered.count, digits.contains(lowered[j]) || lowered[j] == UInt8(ascii: ".") {
                    number.append(lowered[j])
                    j += 1
                }
                while number.last == UInt8(ascii: ".") { number.removeLast() }
                if let value = Double(String(decoding: number, as: UTF8.self)), value == 0 || value == 1 { return value }
                i += key.count
            }
        }
        return nil
    }
}
