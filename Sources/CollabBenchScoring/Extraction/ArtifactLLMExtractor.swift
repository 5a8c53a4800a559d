import CollabBenchCore
import Foundation

/// The paper's LLM extraction of the final document or program: after the conversation, the judge
/// model (temperature 0, JSON reply) merges the revisions in it into one final artefact.
///
/// Two modes:
/// - ``Mode/paper`` reproduces the paper's extraction, including its quirk: the instruction also
///   tells the model to turn double quotes into single quotes (which can change code and the text
///   BLEU sees). The quirk is applied as the paper applies it, by instruction; nothing is
///   post-processed beyond unwrapping a Markdown fence around the whole artefact.
/// - ``Mode/faithful`` (the default) tells the model to copy code and text verbatim, drops any
///   `if __name__ == "__main__":` block itself (``MainBlockStripper``), and checks the result against the assistant's own
///   code blocks: when the extracted program differs from one of them only by quote style, that
///   block is used verbatim; otherwise each line that differs from an assistant code line only by
///   quote style is put back as the assistant wrote it (see ``QuoteRestoration``).
///
/// An unreadable reply is retried up to ``maxAttempts`` times with a new seed; if none can be read
/// the extraction is ``JudgeStatus/unscored`` (artefact nil) with every raw reply kept, never an
/// empty artefact scored 0. A conversation without any assistant message needs no call: its
/// artefact is the empty string (the agent produced nothing, a legitimate 0 for the task metric).
///
/// ```swift
/// let extractor = ArtifactLLMExtractor(model: judge, prompts: try PromptLibrary.load())
/// let extraction = try await extractor.extract(kind: .code, transcript: transcript, seed: 42)
/// if let program = extraction.artifact { ... } else { /* unscored or failed */ }
/// ```
public struct ArtifactLLMExtractor: Sendable {
    /// Which extraction instruction is used.
    public enum Mode: String, Sendable, Codable, Hashable, CaseIterable {
        /// The paper's instruction, with its double-to-single-quote quirk.
        case paper
        /// Verbatim copying, checked against the assistant's code blocks (default).
        case faithful
    }

    /// What the faithful-mode check changed in an extracted program.
    public enum QuoteRestoration: Sendable, Codable, Hashable {
        /// Nothing was changed (paper mode, documents, or the program matched the conversation).
        case none
        /// The program differed from an assistant code block only by quote style; the block was used.
        case verbatimBlock
        /// This many lines differed from assistant code lines only by quote style and were put back.
        case lines(Int)
    }

    /// The outcome of one extraction.
    public struct Extraction: Sendable, Codable, Hashable {
        /// The final artefact: nil when ``status`` is not ``JudgeStatus/scored``; the empty string
        /// when the agent produced no document or program.
        public var artifact: String?
        /// ``JudgeStatus/scored`` when an artefact was read, else unscored (unreadable replies) or
        /// failed (the model could not be called).
        public var status: JudgeStatus
        /// The task kind (docs or code).
        public var kind: TaskKind
        /// The mode used.
        public var mode: Mode
        /// The extractor's note on where the artefact comes from, when it gave one.
        public var thought: String?
        /// Every call made, in order (retries after unreadable replies included).
        public var calls: [CallRecord]
        /// The prompt template used.
        public var templateName: String
        /// SHA-256 of that template.
        public var promptHash: String
        /// What the faithful-mode check changed.
        public var quoteRestoration: QuoteRestoration
        /// Why it is unscored or failed, or a note on what was done.
        public var detail: String?

        /// Creates an extraction record.
        public init(
            artifact: String?, status: JudgeStatus, kind: TaskKind, mode: Mode, thought: String? = nil, calls: [CallRecord],
            templateName: String, promptHash: String, quoteRestoration: QuoteRestoration = .none, detail: String? = nil
        ) {
            self.artifact = artifact
            self.status = status
            self.kind = kind
            self.mode = mode
            self.thought = thought
            self.calls = calls
            self.templateName = templateName
            self.promptHash = promptHash
            self.quoteRestoration = quoteRestoration
            self.detail = detail
        }

        /// The extraction as a judge verdict with criterion ``ArtifactLLMExtractor/criterion`` and no
        /// score, so its calls can be stored like any judge's.
        public var verdict: JudgeVerdict {
            JudgeVerdict(
                criterion: ArtifactLLMExtractor.criterion, status: status, thought: thought, calls: calls,
                promptHash: promptHash, detail: detail)
        }
    }

    /// The judge model.
    public var model: any ChatModel
    /// Prompt templates (`extractor.<docs|code>.<paper|faithful>` is used).
    public var prompts: PromptLibrary
    /// Sampling (paper: temperature 0). The artefact is long, so the token limit is generous.
    public var sampling: Sampling
    /// Ask for JSON through `response_format`.
    public var structuredOutput: Bool
    /// Calls made at most for one conversation when replies cannot be read.
    public var maxAttempts: Int
    /// Paper or faithful extraction.
    public var mode: Mode

    /// The criterion recorded with the extractor's calls.
    public static let criterion = "extraction"

    /// The JSON schema the extractor is asked to follow: a short thought, then the artefact.
    public static let schemaJSON = """
        {"type":"object","properties":{"thought":{"type":"string","maxLength":600},\
        "final_artifact":{"type":"string"}},"required":["thought","final_artifact"]}
        """

    /// Creates an extractor.
    /// - Parameters:
    ///   - model: The judge model.
    ///   - prompts: Prompt templates.
    ///   - sampling: Sampling settings; the paper extracts at temperature 0.
    ///   - structuredOutput: Ask for the JSON schema through `response_format`.
    ///   - maxAttempts: Calls made at most when replies cannot be read (at least 1).
    ///   - mode: ``Mode/faithful`` by default; ``Mode/paper`` reproduces the paper's quirk.
    public init(
        model: any ChatModel, prompts: PromptLibrary, sampling: Sampling = .init(temperature: 0, maxTokens: 4096),
        structuredOutput: Bool = true, maxAttempts: Int = 3, mode: Mode = .faithful
    ) {
        self.model = model
        self.prompts = prompts
        self.sampling = sampling
        self.structuredOutput = structuredOutput
        self.maxAttempts = max(1, maxAttempts)
        self.mode = mode
    }

    /// The template used for `kind` in `mode`.
    /// - Throws: ``CollabBenchError`` (`.invalidArgument`) for math, which has no extraction.
    public static func templateName(kind: TaskKind, mode: Mode) throws -> String {
        switch kind {
        case .docs, .code: "extractor.\(kind.rawValue).\(mode.rawValue)"
        case .math:
            throw CollabBenchError(.invalidArgument, "LLM extraction is for docs and code tasks; math is judged on the whole conversation")
        }
    }

    /// Extracts the final artefact of `transcript`.
    /// - Parameters:
    ///   - kind: `docs` (a document) or `code` (a program).
    ///   - transcript: The conversation.
    ///   - seed: The conversation's seed; each call's seed is derived from it.
    /// - Returns: The artefact (or nil when unscored or failed) with every call made.
    /// - Throws: ``CollabBenchError`` for math or a broken template, or `CancellationError`.
    public func extract(kind: TaskKind, transcript: Transcript, seed: Int) async throws -> Extraction {
        let name = try Self.templateName(kind: kind, mode: mode)
        let template = try prompts.template(name)
        func record(_ artifact: String?, _ status: JudgeStatus, thought: String? = nil, calls: [CallRecord], restoration: QuoteRestoration = .none, detail: String? = nil) -> Extraction {
            Extraction(
                artifact: artifact, status: status, kind: kind, mode: mode, thought: thought, calls: calls, templateName: name,
                promptHash: template.hash, quoteRestoration: restoration, detail: detail)
        }
        let assistantTexts = transcript.assistantTexts
        guard assistantTexts.contains(where: { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) else {
            return record("", .scored, calls: [], detail: "the assistant wrote nothing; no extraction call made")
        }
        let prompt = try template.render(["transcript": transcript.rendered()])
        let messages: [ChatMessage] = [.user(prompt)]
        var calls: [CallRecord] = []
        for attempt in 0..<maxAttempts {
            let callSeed = StableHash.derivedSeed(seed, name, String(attempt))
            let request = ChatRequest(
                messages: messages, sampling: sampling, seed: callSeed,
                responseFormat: structuredOutput ? ResponseFormat(name: "artifact_extraction", schemaJSON: Self.schemaJSON) : nil)
            let completion: ChatCompletion
            do {
                completion = try await model.complete(request)
            } catch {
                try ConversationEngine.rethrowIfRunWide(error)
                return record(nil, .failed, calls: calls, detail: "extractor (\(model.spec)): \(error)")
            }
            var call = CallRecord(model: model.spec.description, completion: completion, seed: callSeed, requestHash: ConversationEngine.hash(messages))
            guard let parsed = Self.parseReply(completion.text) else {
                call.formatError = true
                calls.append(call)
                continue
            }
            calls.append(call)
            var artifact = CodeFence.unwrapped(parsed.artifact)
            guard kind == .code, mode == .faithful else {
                return record(artifact, .scored, thought: parsed.thought, calls: calls)
            }
            artifact = MainBlockStripper.strip(artifact)
            let blocks = assistantTexts.flatMap { CodeFence.blocks(in: $0) }.map { MainBlockStripper.strip($0.code) }
            let (restored, restoration) = Self.restoreQuotes(in: artifact, assistantBlocks: blocks)
            let detail: String? =
                switch restoration {
                case .none: nil
                case .verbatimBlock: "extracted program differed from an assistant code block only by quote style; the block was used verbatim"
                case .lines(let n): "\(n) line(s) differed from the assistant's code only by quote style and were restored"
                }
            return record(restored, .scored, thought: parsed.thought, calls: calls, restoration: restoration, detail: detail)
        }
        return record(nil, .unscored, calls: calls, detail: "no readable final_artifact in \(calls.count) extractor replies")
    }
}
