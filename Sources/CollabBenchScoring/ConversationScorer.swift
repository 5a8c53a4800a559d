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
    public func score(task: BenchmarkTask, manifest: PackManifest, transcript: Transcript) async -> [ScoreEntry] {
        var entries = [await taskMetric(task: task, manifest: manifest, transcript: transcript)]
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

    func taskMetric(task: BenchmarkTask, manifest: PackManifest, transcript: Transcript) async -> ScoreEntry {
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
            guard let code = ArtifactExtractor.finalCode(assistantTexts: assistant) else {
                return ScoreEntry(metric: "pass_rate", value: 0, status: .scored, method: "unittest", detail: "no code block given")
            }
            let program = ArtifactExtractor.assembleProgram(code: code, codePrompt: task.reference.codePrompt, entryPoint: task.reference.entryPoint)
            do {
                let result = try await sandbox.run(program: program, tests: task.reference.test ?? "", entryPoint: task.reference.entryPoint)
                switch result.status {
                case .pass:
                    return ScoreEntry(metric: "pass_rate", value: 1, status: .scored, method: "unittest", detail: "pass")
                case .skipped:
                    return ScoreEntry(
                        metric: "pass_rate", value: nil, status: .skipped, method: "unittest",
                        detail: "missing library \(result.missingModule ?? "?")")
                default:
                    let failed = result.failedTests.isEmpty ? "" : " (\(result.failedTests.joined(separator: ", ")))"
                    return ScoreEntry(metric: "pass_rate", value: 0, status: .scored, method: "unittest", detail: "\(result.status.rawValue)\(failed): \(result.detail)")
                }
            } catch {
                return ScoreEntry(metric: "pass_rate", value: nil, status: .failed, method: "unittest", detail: "sandbox failed: \(error)")
            }
        case .docs:
            guard let document = ArtifactExtractor.finalDocument(assistantTexts: assistant) else {
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
