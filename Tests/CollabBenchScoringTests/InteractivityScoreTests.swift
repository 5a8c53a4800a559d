import CollabBenchCore
import CollabBenchScoring
import Testing

/// ITR aggregation: the entries the runner stored before the aggregation moved here.
@Suite(.timeLimit(.minutes(5)))
struct InteractivityScoreTests {
    static func verdict(_ status: JudgeStatus, _ score: Double? = nil, thought: String? = nil, detail: String? = nil) -> JudgeVerdict {
        JudgeVerdict(
            criterion: "interactivity", status: status, score: status == .scored ? score : nil, thought: thought, calls: [],
            promptHash: "h", detail: detail)
    }

    @Test func oneJudgeOnceIsItsVerdict() {
        let score = InteractivityScore(judgeMethods: ["judge:openai/j"], repeats: 1)
        #expect(!score.storesEachJudgement)
        #expect(
            score.entries([[Self.verdict(.scored, 1, thought: "asked good questions")]]) == [
                ScoreEntry(metric: "itr", value: 1, status: .scored, method: "judge:openai/j", detail: "asked good questions")
            ])
        #expect(score.labelled(Self.verdict(.scored, 1), judge: 0, repetition: 0).criterion == "interactivity")
    }

    @Test func severalJudgementsAreAveragedOverTheReadableOnesAndEachIsKept() {
        let score = InteractivityScore(judgeMethods: ["judge:openai/a", "judge:openai/b"], repeats: 2)
        let grid = [
            [Self.verdict(.scored, 1), Self.verdict(.unscored, detail: "no readable reply")],
            [Self.verdict(.scored, -1), Self.verdict(.failed, detail: "server down")],
        ]
        #expect(
            score.entries(grid) == [
                ScoreEntry(
                    metric: "itr", value: 0, status: .scored, method: "judge:openai/a,judge:openai/b", detail: "2 of 4 judgements readable"),
                ScoreEntry(metric: "itr.0.0", value: 1, status: .scored, method: "judge:openai/a"),
                ScoreEntry(metric: "itr.0.1", value: nil, status: .unscored, method: "judge:openai/a", detail: "no readable reply"),
                ScoreEntry(metric: "itr.1.0", value: -1, status: .scored, method: "judge:openai/b"),
                ScoreEntry(metric: "itr.1.1", value: nil, status: .failed, method: "judge:openai/b", detail: "server down"),
            ])
        #expect(score.labelled(Self.verdict(.scored, 1), judge: 1, repetition: 0).criterion == "interactivity.1.0")
    }

    @Test func noReadableVerdictIsUnscoredOrFailedNeverZero() {
        let one = InteractivityScore(judgeMethods: ["judge:openai/j"], repeats: 2)
        let unscored = one.entries([[Self.verdict(.failed, detail: "down"), Self.verdict(.unscored)]])[0]
        #expect(unscored == ScoreEntry(metric: "itr", value: nil, status: .unscored, method: "judge:openai/j", detail: "down"))
        let failed = one.entries([[Self.verdict(.failed), Self.verdict(.failed)]])[0]
        #expect(
            failed == ScoreEntry(metric: "itr", value: nil, status: .failed, method: "judge:openai/j", detail: "no readable judge reply"))
    }

    /// Over many generated grids the entries equal what `BenchmarkRunner.interactivity` computed
    /// before the move (``legacyEntries(_:methods:)``, its code as it was).
    @Test func equalsTheRunnersFormerAggregation() {
        var random = SplitMix(seed: 7)
        let statuses: [JudgeStatus] = [.scored, .scored, .unscored, .failed]
        let thoughts: [String?] = [nil, "fine", "asks nothing"]
        for _ in 0..<400 {
            let judges = 1 + Int(random.next() % 3)
            let repeats = 1 + Int(random.next() % 3)
            let methods = (0..<judges).map { "judge:openai/m\($0)" }
            let grid = (0..<judges).map { _ in
                (0..<repeats).map { _ in
                    Self.verdict(
                        statuses[Int(random.next() % 4)], [-3.0, -1, 1, 0.25][Int(random.next() % 4)],
                        thought: thoughts[Int(random.next() % 3)], detail: random.next() % 2 == 0 ? nil : "why \(random.next() % 5)")
                }
            }
            let score = InteractivityScore(judgeMethods: methods, repeats: repeats)
            let labelled = grid.enumerated().map { j, row in row.enumerated().map { r, v in score.labelled(v, judge: j, repetition: r) } }
            let (entries, verdicts) = Self.legacyEntries(grid, methods: methods)
            #expect(score.entries(labelled) == entries)
            #expect(labelled.flatMap { $0 } == verdicts)
        }
    }

    /// The runner's aggregation before it moved to ``InteractivityScore`` (judge calls replaced by `grid`).
    static func legacyEntries(_ grid: [[JudgeVerdict]], methods: [String]) -> ([ScoreEntry], [JudgeVerdict]) {
        let repeats = grid[0].count
        var verdicts: [JudgeVerdict] = []
        var entries: [ScoreEntry] = []
        for (j, row) in grid.enumerated() {
            for r in 0..<repeats {
                var verdict = row[r]
                if grid.count > 1 || repeats > 1 { verdict.criterion += ".\(j).\(r)" }
                verdicts.append(verdict)
                if grid.count > 1 || repeats > 1 {
                    let status: ScoreStatus =
                        switch verdict.status {
                        case .scored: .scored
                        case .unscored: .unscored
                        case .failed: .failed
                        }
                    entries.append(
                        ScoreEntry(
                            metric: "itr.\(j).\(r)", value: verdict.score, status: status, method: methods[j], detail: verdict.detail))
                }
            }
        }
        let readable = verdicts.filter { $0.status == .scored }.compactMap(\.score)
        let method = methods.joined(separator: ",")
        let itr: ScoreEntry
        if readable.isEmpty {
            let failed = verdicts.allSatisfy { $0.status == .failed }
            itr = ScoreEntry(
                metric: "itr", value: nil, status: failed ? .failed : .unscored, method: method,
                detail: verdicts.compactMap(\.detail).first ?? "no readable judge reply")
        } else {
            itr = ScoreEntry(
                metric: "itr", value: readable.reduce(0, +) / Double(readable.count), status: .scored, method: method,
                detail: verdicts.count == 1 ? verdicts[0].thought : "\(readable.count) of \(verdicts.count) judgements readable")
        }
        return ([itr] + entries, verdicts)
    }

    @Test func judgeStatusMapsToScoreStatus() {
        #expect(ScoreStatus(JudgeStatus.scored) == .scored)
        #expect(ScoreStatus(JudgeStatus.unscored) == .unscored)
        #expect(ScoreStatus(JudgeStatus.failed) == .failed)
    }
}
