import CollabBenchCore

/// How a conversation's interactivity verdicts become its ITR score entries.
///
/// `itr` is the mean of every readable verdict (status scored, with a score) of every judge and
/// repeat. With no readable verdict it has no value: ``ScoreStatus/failed`` when every judge call
/// failed, else ``ScoreStatus/unscored``, with the first verdict's detail as the reason. With
/// several judges or repeats each verdict is also an entry `itr.<judge>.<repeat>` (its criterion
/// gets the same suffix), so the judges' agreement can be measured.
///
/// ```swift
/// let score = InteractivityScore(judgeMethods: ["judge:openai/a", "judge:openai/b"], repeats: 2)
/// let verdict = score.labelled(try await judge.judge(task: task, transcript: t, seed: s), judge: 0, repetition: 1)
/// let entries = score.entries([[v00, v01], [v10, v11]])  // itr, itr.0.0, itr.0.1, itr.1.0, itr.1.1
/// ```
public struct InteractivityScore: Sendable, Hashable {
    /// Each judge's method as recorded (`judge:<model>`), in judge order.
    public var judgeMethods: [String]
    /// Judgements per conversation and judge (at least 1).
    public var repeats: Int

    /// Creates the aggregation for `judgeMethods.count` judges, each judging `repeats` times.
    /// - Parameters:
    ///   - judgeMethods: Each judge's method (`judge:<model>`), primary judge first.
    ///   - repeats: Judgements per judge (at least 1).
    public init(judgeMethods: [String], repeats: Int) {
        self.judgeMethods = judgeMethods
        self.repeats = max(1, repeats)
    }

    /// Whether each verdict is also stored on its own as `itr.<judge>.<repeat>`: with several judges
    /// or repeats.
    public var storesEachJudgement: Bool { judgeMethods.count > 1 || repeats > 1 }

    /// `verdict` as it is stored: its criterion gets `.<judge>.<repetition>` when
    /// ``storesEachJudgement``.
    /// - Parameters:
    ///   - verdict: The judge's verdict.
    ///   - judge: The judge's index in ``judgeMethods``.
    ///   - repetition: Which repeat (0 first).
    public func labelled(_ verdict: JudgeVerdict, judge: Int, repetition: Int) -> JudgeVerdict {
        guard storesEachJudgement else { return verdict }
        var labelled = verdict
        labelled.criterion += ".\(judge).\(repetition)"
        return labelled
    }

    /// The ITR entries: `itr` first, then (when ``storesEachJudgement``) `itr.<j>.<r>` for every
    /// verdict, judge by judge and repeat by repeat.
    /// - Parameter verdicts: `verdicts[j][r]`: judge `j`'s verdict of repeat `r`.
    public func entries(_ verdicts: [[JudgeVerdict]]) -> [ScoreEntry] {
        var each: [ScoreEntry] = []
        if storesEachJudgement {
            for (j, row) in verdicts.enumerated() {
                for (r, verdict) in row.enumerated() {
                    each.append(
                        ScoreEntry(
                            metric: "itr.\(j).\(r)", value: verdict.score, status: ScoreStatus(verdict.status),
                            method: j < judgeMethods.count ? judgeMethods[j] : "", detail: verdict.detail))
                }
            }
        }
        return [mean(verdicts.flatMap { $0 })] + each
    }

    private func mean(_ verdicts: [JudgeVerdict]) -> ScoreEntry {
        let readable = verdicts.filter { $0.status == .scored }.compactMap(\.score)
        let method = judgeMethods.joined(separator: ",")
        if readable.isEmpty {
            let failed = verdicts.allSatisfy { $0.status == .failed }
            return ScoreEntry(
                metric: "itr", value: nil, status: failed ? .failed : .unscored, method: method,
                detail: verdicts.compactMap(\.detail).first ?? "no readable judge reply")
        }
        return ScoreEntry(
            metric: "itr", value: readable.reduce(0, +) / Double(readable.count), status: .scored, method: method,
            detail: verdicts.count == 1 ? verdicts[0].thought : "\(readable.count) of \(verdicts.count) judgements readable")
    }
}
