import CollabBenchCore
import CollabBenchMetrics

extension SimulatorFidelity {
    /// The simulated user's fidelity entries for one conversation, in this order:
    /// - `sim_format_errors`: share of its replies that were not the requested JSON (0 without replies);
    /// - `sim_early_stop`: 1 when it ended the chat before any answer (``isEarlyStop(_:kind:)``), else 0;
    /// - `sim_leak`: longest run of the reference it copied, as a share of the reference; raises
    ///   ``ScoreFlag/leak`` when that share is over `leakThreshold`;
    /// - `sim_leak_ngram`: share of the reference's word 8-grams it used.
    /// - Parameters:
    ///   - transcript: The conversation.
    ///   - kind: The task kind.
    ///   - reference: The task's reference text (what the simulated user must not copy).
    ///   - leakThreshold: Share of the reference the simulated user may copy before the leak is flagged.
    public static func entries(transcript: Transcript, kind: TaskKind, reference: String, leakThreshold: Double) -> [ScoreEntry] {
        let userTurns = transcript.turns.filter { $0.role == .user }
        let formatErrors = userTurns.isEmpty ? 0 : Double(userTurns.filter(\.call.formatError).count) / Double(userTurns.count)
        let early = isEarlyStop(transcript, kind: kind)
        let leak = LeakMeasure.measure(userMessages: transcript.userTexts, reference: reference)
        let leakEntry =
            leak.flagged(threshold: leakThreshold)
            ? ScoreEntry.flagged(
                .leak, value: leak.lcsFraction, method: "lcs",
                note: "copied \(leak.longestCommonSubstringChars) characters of the reference")
            : ScoreEntry(metric: ScoreFlag.leak.metric, value: leak.lcsFraction, status: .scored, method: "lcs")
        return [
            ScoreEntry(metric: "sim_format_errors", value: formatErrors, status: .scored, method: "json"),
            ScoreEntry(metric: "sim_early_stop", value: early ? 1 : 0, status: .scored, method: "rule"),
            leakEntry,
            ScoreEntry(metric: "sim_leak_ngram", value: leak.ngramOverlap, status: .scored, method: "word-8-gram"),
        ]
    }
}
