import CollabBenchCore
import CollabBenchMetrics
import CollabBenchScoring
import Testing

/// The simulated user's fidelity entries: the ones the runner stored before they moved here.
@Suite(.timeLimit(.minutes(5)))
struct SimulatorFidelityScoresTests {
    static let reference = "The quick brown fox jumps over the lazy dog while the cat sleeps on the warm mat by the door."

    static func transcript(user: [String], formatErrors: Set<Int> = [], assistant: String, endReason: EndReason) -> Transcript {
        var turns: [Turn] = []
        for (i, text) in user.enumerated() {
            turns.append(
                Turn(role: .user, text: text, call: CallRecord(model: "sim", rawReply: text, formatError: formatErrors.contains(i))))
            turns.append(Turn(role: .assistant, text: assistant, call: CallRecord(model: "agent", rawReply: assistant)))
        }
        return Transcript(turns: turns, endReason: endReason)
    }

    @Test func aCopyingUserIsFlaggedAsALeak() {
        let t = Self.transcript(
            user: ["write this: " + Self.reference, "thx [[TERMINATE CHAT]]"], formatErrors: [1], assistant: "Which topic?",
            endReason: .userTerminated)
        let entries = SimulatorFidelity.entries(transcript: t, kind: .docs, reference: Self.reference, leakThreshold: 0.3)
        #expect(entries.map(\.metric) == ["sim_format_errors", "sim_early_stop", "sim_leak", "sim_leak_ngram"])
        #expect(entries[0] == ScoreEntry(metric: "sim_format_errors", value: 0.5, status: .scored, method: "json"))
        #expect(entries[1] == ScoreEntry(metric: "sim_early_stop", value: 1, status: .scored, method: "rule"))
        let chars = Self.reference.count
        #expect(
            entries[2]
                == ScoreEntry(
                    metric: "sim_leak", value: 1, status: .scored, method: "lcs",
                    detail: "flagged: copied \(chars) characters of the reference"))
        #expect(entries[2].flag == .leak)
        #expect(entries[3].metric == "sim_leak_ngram" && entries[3].value == 1)
        #expect(entries.allSatisfy { $0.metric == "sim_leak" || $0.flag == nil })
    }

    @Test func anHonestUserIsNotFlagged() {
        let t = Self.transcript(user: ["help me write about animals"], assistant: "```python\nprint(1)\n```", endReason: .userTerminated)
        let entries = SimulatorFidelity.entries(transcript: t, kind: .code, reference: Self.reference, leakThreshold: 0.3)
        #expect(entries[1].value == 0)
        #expect(entries[2].detail == nil)
        #expect(entries[2].flag == nil)
    }

    /// Over generated conversations the entries equal what `BenchmarkRunner.fidelity` computed
    /// before the move (``legacyEntries(_:kind:reference:leakThreshold:)``, its code as it was).
    @Test func equalsTheRunnersFormerFidelity() {
        var random = SplitMix(seed: 3)
        let words = Self.reference.split(separator: " ").map(String.init)
        let replies = [
            "Which one?", "```python\ndef f():\n    return 1\n```", "\\boxed{7}",
            Array(repeating: "word", count: 120).joined(separator: " "),
        ]
        let ends: [EndReason] = [.userTerminated, .maxExchanges, .agentTerminated]
        for _ in 0..<200 {
            let users = (0..<Int(random.next() % 4)).map { _ -> String in
                let start = Int(random.next() % UInt64(words.count))
                let length = Int(random.next() % 14)
                return (["please"] + words[start..<min(words.count, start + length)]).joined(separator: " ")
            }
            let errors = Set(users.indices.filter { _ in random.next() % 3 == 0 })
            let t = Self.transcript(
                user: users, formatErrors: errors, assistant: replies[Int(random.next() % 4)], endReason: ends[Int(random.next() % 3)])
            let kind = TaskKind.allCases[Int(random.next() % UInt64(TaskKind.allCases.count))]
            let threshold = [0.05, 0.3, 0.6][Int(random.next() % 3)]
            #expect(
                SimulatorFidelity.entries(transcript: t, kind: kind, reference: Self.reference, leakThreshold: threshold)
                    == Self.legacyEntries(t, kind: kind, reference: Self.reference, leakThreshold: threshold))
        }
    }

    /// The runner's fidelity entries before they moved to ``SimulatorFidelity``.
    static func legacyEntries(_ transcript: Transcript, kind: TaskKind, reference: String, leakThreshold: Double) -> [ScoreEntry] {
        let userTurns = transcript.turns.filter { $0.role == .user }
        let formatErrors = userTurns.isEmpty ? 0 : Double(userTurns.filter(\.call.formatError).count) / Double(userTurns.count)
        let early = SimulatorFidelity.isEarlyStop(transcript, kind: kind)
        let leak = LeakMeasure.measure(userMessages: transcript.userTexts, reference: reference)
        return [
            ScoreEntry(metric: "sim_format_errors", value: formatErrors, status: .scored, method: "json"),
            ScoreEntry(metric: "sim_early_stop", value: early ? 1 : 0, status: .scored, method: "rule"),
            ScoreEntry(
                metric: "sim_leak", value: leak.lcsFraction, status: .scored, method: "lcs",
                detail: leak.flagged(threshold: leakThreshold)
                    ? "flagged: copied \(leak.longestCommonSubstringChars) characters of the reference" : nil),
            ScoreEntry(metric: "sim_leak_ngram", value: leak.ngramOverlap, status: .scored, method: "word-8-gram"),
        ]
    }
}
