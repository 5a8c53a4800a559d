import CollabBenchCore
import CollabBenchMetrics
import Foundation

/// Scores a finished conversation: the task metric of the pack's kind plus token efficiency.
///
/// Values are stored on a 0–1 scale (reports multiply by 100). A conversation where the agent
/// never produced an answer scores 0 on the task metric; one that cannot be judged for reasons
/// outside the agent (a missing library) is `skipped`, never 0.
public struct ConversationScorer: Sendable {
    /// Tokenizer for #Tok; nil leaves token metrics unscored.
    public var tokenizer: BPETokenizer?
    /// Runs programs for code tasks.
    public var sandbox: CodeSandbox

    /// Creates a scorer.
    public init(tokenizer: BPETokenizer?, sandbox: CodeSandbox) {
        self.tokenizer = tokenizer
        self.sandbox = sandbox
    }

    /// Scores `transcript` of `task` in a pack described by `manifest`.
    /// - Parameter artifact: The final document or program as an LLM extractor produced it; nil
    ///   uses the deterministic extractor.
    public func score(task: BenchmarkTask, manifest: PackManifest, transcript: Transcript, artifact: String? = nil) async -> [ScoreEntry] {
        var entries = [await taskMetric(task: task, manifest: manifest, transcript: transcript, artifact: artifact)]
        entries += tokenMetrics(transcript)
        entries.append(ScoreEntry(metric: "turns", value: Double(transcript.exchanges), status: .scored, method: "count"))
        return entries
    }

    /// cl100k tokens of each turn (nil without a tokenizer).
    public func turnTokens(_ transcript: Transcript) -> [Int?] {
        transcript.turns.map { turn in tokenizer?.count(turn.text) }
    }

    func tokenMetrics(_ transcript: Transcript) -> [ScoreEntry] {
        guard let tokenizer else {
            return ["tok_k", "user_tok_k"].map { ScoreEntry(metric: $0, value: nil, status: .skipped, method: "none", detail: "no tokenizer loaded") }
        }
        let method = tokenizer.encoding.rawValue
        let agent = Double(tokenizer.count(transcript.assistantTexts.joined(separator: " "))) / 1000
        let user = Double(tokenizer.count(transcript.userTexts.joined(separator: " "))) / 1000
        return [
            ScoreEntry(metric: "tok_k", value: agent, status: .scored, method: method),
            ScoreEntry(metric: "user_tok_k", value: user, status: .scored, method: method),
        ]
    }

    /// The names in a Python-literal list of strings, as BigCodeBench stores `libs` (`"['numpy', 'os']"`).
    public static func libraries(fromPythonList text: String) -> [String] {
        var names: [String] = []
        var current: String?
        var quote: Character?
        for ch in text {
            if let q = quote {
                if ch == q {
                    names.append(current ?? "")
                    current = nil
                    quote = nil
                } else {
                    current?.append(ch)
                }
            } else if ch == "'" || ch == "\"" {
                quote = ch
                current = ""
            }
        }
        return names.filter { !$0.isEmpty }
    }

    func taskMetric(task: BenchmarkTask, manifest: PackManifest, transcript: Transcript, artifact: String?) async -> ScoreEntry {
        let assistant = transcript.assistantTexts
        switch manifest.kind {
        case .math:
            let reference = task.reference.answer ?? MathAnswer.lastBoxed(in: task.reference.text) ?? ""
            guard let answer = ArtifactExtractor.finalAnswer(assistantTexts: assistant) else {
                return ScoreEntry(metric: "accuracy", value: 0, status: .scored, method: "symbolic", detail: "no \\boxed{} answer given")
            }
            let ok = MathAnswer.equivalent(answer: answer, reference: reference)
            return ScoreEntry(metric: "accuracy", value: ok ? 1 : 0, status: .scored, method: "symbolic", detail: "answer: \(answer)")
        case .code:
            guard let code = artifact ?? ArtifactExtractor.finalCode(assistantTexts: assistant), !code.isEmpty else {
                return ScoreEntry(metric: "pass_rate", value: 0, status: .scored, method: "unittest", detail: "no code block given")
            }
            let program = ArtifactExtractor.assembleProgram(code: code, codePrompt: task.reference.codePrompt, entryPoint: task.reference.entryPoint)
            do {
                let result = try await sandbox.run(
                    program: program, tests: task.reference.test ?? "", entryPoint: task.reference.entryPoint,
                    libraries: Self.libraries(fromPythonList: task.metadata["libs"] ?? ""))
                switch result.status {
                case .pass:
                    return ScoreEntry(metric: "pass_rate", value: 1, status: .scored, method: "unittest", detail: "pass")
                case .skipped:
                    return ScoreEntry(
                        metric: "pass_rate", value: nil, status: .skipped, method: "unittest",
                        detail: result.missingModule.map { "missing library \($0)" } ?? result.missingData.map { "missing data \($0)" } ?? result.detail)
                default:
                    let failed = result.failedTests.isEmpty ? "" : " (\(result.failedTests.joined(separator: ", ")))"
                    return ScoreEntry(metric: "pass_rate", value: 0, status: .scored, method: "unittest", detail: "\(result.status.rawValue)\(failed): \(result.detail)")
                }
            } catch {
                return ScoreEntry(metric: "pass_rate", value: nil, status: .failed, method: "unittest", detail: "sandbox failed: \(error)")
            }
        case .docs:
            guard let document = artifact ?? ArtifactExtractor.finalDocument(assistantTexts: assistant), !document.isEmpty else {
                return ScoreEntry(metric: "bleu", value: 0, status: .scored, method: "bleu:\(manifest.metric.bleuMode.rawValue)", detail: "no document written")
            }
            let value: Double
            switch manifest.metric.bleuMode {
            case .char: value = CharacterBLEU.score(reference: task.reference.text, hypothesis: document)
            case .sacrebleu: value = SacreBLEU.sentenceScore(reference: task.reference.text, hypothesis: document) / 100
            }
            return ScoreEntry(metric: "bleu", value: value, status: .scored, method: "bleu:\(manifest.metric.bleuMode.rawValue)")
        }
    }
}
