import CollabBenchCore
import CollabBenchMetrics
import CollabBenchStore

extension LeaderboardRow {
    /// The row with the simulator's early stops and leaks (from `tally`, the quality tally of
    /// `conversations`), the judges' agreement (Krippendorff's α and spread over
    /// `itr.<judge>.<repeat>` verdicts) and, for math, how often judged and symbolic accuracy agree,
    /// computed from `conversations`.
    func withJudgeAndSimulatorFigures(_ conversations: [ScoredConversation], tally: QualityTally) -> LeaderboardRow {
        var row = self
        row.simulatorEarlyStops = tally.earlyStops
        row.simulatorLeaksFlagged = tally.leaksFlagged
        // Judges' agreement: one unit per conversation, one coder per judge-and-repeat.
        let coders = Set(conversations.flatMap { $0.scores.keys.filter { $0.hasPrefix("itr.") } }).sorted()
        if coders.count >= 2 {
            let units: [[Double?]] = conversations.map { c in coders.map { c.scores[$0]?.status == .scored ? c.scores[$0]?.value : nil } }
            row.judgeAgreementAlpha = KrippendorffAlpha.interval(units)?.alpha
            let spreads = units.compactMap { unit -> Double? in
                let values = unit.compactMap { $0 }
                guard values.count >= 2, let lo = values.min(), let hi = values.max() else { return nil }
                return (hi - lo) * 100
            }
            row.judgeSpread = spreads.isEmpty ? nil : spreads.reduce(0, +) / Double(spreads.count)
        }
        if kind == .math {
            let pairs = conversations.compactMap { c -> (Double, Double)? in
                let judged = c.scores["accuracy_symbolic"] != nil ? c.scores["accuracy"] : c.scores["accuracy_judged"]
                let symbolic = c.scores["accuracy_symbolic"] ?? (c.scores["accuracy_judged"] != nil ? c.scores["accuracy"] : nil)
                guard let j = judged, j.status == .scored, let jv = j.value, let s = symbolic, s.status == .scored, let sv = s.value else { return nil }
                return (jv, sv)
            }
            if !pairs.isEmpty {
                row.judgedSymbolicAgreement = Double(pairs.filter { $0.0 == $0.1 }.count) / Double(pairs.count)
            }
        }
        return row
    }
}

extension LeaderboardRow {
    /// The row with the summed cost of its runs.
    func withCost(_ costs: [RunCost]) -> LeaderboardRow {
        var row = self
        let known = costs.compactMap(\.usd)
        row.costUSD = known.isEmpty ? nil : known.reduce(0, +)
        row.unpricedCalls = costs.reduce(0) { $0 + $1.unpricedCalls }
        return row
    }
}
