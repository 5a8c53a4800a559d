import CollabBenchCore
import CollabBenchReports
import CollabBenchRunner
import CollabBenchStore
import Foundation
import Testing

/// The leaderboard and the run summary count early stops and leaks with the same tally, from the
/// rows as every store has held them (a leak is a `sim_leak` detail starting with `flagged`).
@Suite(.timeLimit(.minutes(5)))
struct LeaderboardQualityTallyTests {
    typealias S = ReportsTestSupport

    @Test func leaksStoredAsDetailTextAreCountedByTheLeaderboardAndTheRunSummary() throws {
        let store = try S.newStore()
        try S.addRun(store, id: "run-leaky", kind: .docs, conversations: [])
        let fidelity: [[ScoreEntry]] = [
            [
                ScoreEntry(metric: "sim_early_stop", value: 1, status: .scored, method: "rule"),
                ScoreEntry(
                    metric: "sim_leak", value: 0.9, status: .scored, method: "lcs",
                    detail: "flagged: copied 300 characters of the reference"),
            ],
            [
                ScoreEntry(metric: "sim_early_stop", value: 0, status: .scored, method: "rule"),
                ScoreEntry(
                    metric: "sim_leak", value: 0.4, status: .scored, method: "lcs",
                    detail: "flagged: copied 120 characters of the reference"),
            ],
            [
                ScoreEntry(metric: "sim_early_stop", value: 0, status: .scored, method: "rule"),
                ScoreEntry(metric: "sim_leak", value: 0.05, status: .scored, method: "lcs"),
            ],
        ]
        for (i, entries) in fidelity.enumerated() {
            var result = S.result(
                runID: "run-leaky", kind: .docs, S.Conversation(task: "t\(i)", metric: 0.5), agent: "openai/agent-a",
                user: "openai/user-sim",
                judge: "openai/judge-a")
            result.scores += entries
            try store.save(result)
        }
        let row = try #require(try Leaderboard.rows(store: store).first)
        #expect(row.simulatorLeaksFlagged == 2)
        #expect(row.simulatorEarlyStops == 1)
        #expect(row.unscored == 0)
        var quality = RunQuality()
        for conversation in try store.conversations(runID: "run-leaky") {
            quality.add(conversation.scores.values.sorted { $0.metric < $1.metric }, taskMetric: TaskKind.docs.metricName)
        }
        #expect(quality.leaksFlagged == row.simulatorLeaksFlagged)
        #expect(quality.earlyStops == row.simulatorEarlyStops)
        #expect(quality.line.hasSuffix("1 early stops, 2 leaks flagged"))
    }

    /// Over generated runs (every status of the task metric and ITR, missing entries, failed
    /// conversations) the row's unscored counts equal the expressions the leaderboard used before
    /// it counted with ``QualityTally``.
    @Test func unscoredCountsEqualTheFormerLeaderboardExpressions() throws {
        var seed: UInt64 = 5
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let statuses: [ScoreStatus] = [.scored, .scored, .skipped, .unscored, .failed]
        for round in 0..<8 {
            let store = try S.newStore()
            let runID = "run-\(round)"
            try S.addRun(store, id: runID, kind: .code, conversations: [])
            for i in 0..<(5 + next(20)) {
                var c = S.Conversation(task: "t\(i)", metric: Double(next(2)), failed: next(8) == 0)
                c.metricStatus = statuses[next(statuses.count)]
                c.itrStatus = statuses[next(statuses.count)]
                if c.metricStatus != .scored { c.metric = nil }
                if c.itrStatus != .scored { c.itr = nil }
                var result = S.result(
                    runID: runID, kind: .code, c, agent: "openai/agent-a", user: "openai/user-sim", judge: "openai/judge-a")
                if next(6) == 0 { result.scores.removeAll { $0.metric == "pass_rate" } }
                if next(6) == 0 { result.scores.removeAll { $0.metric == "itr" } }
                try store.save(result)
            }
            let row = try #require(try Leaderboard.rows(store: store).first)
            // Failed conversations are stored without scores.
            let completed = try store.conversationScores(runID: runID).filter { !$0.scores.isEmpty }
            let taskEntries = completed.map { $0.scores["pass_rate"] }
            let itrEntries = completed.map { $0.scores["itr"] }
            let unscored = completed.filter { c in
                let t = c.scores["pass_rate"]?.status
                let i = c.scores["itr"]?.status
                return (t != .scored && t != .skipped) || i != .scored
            }.count
            #expect(row.taskMetricSkipped == taskEntries.filter { $0?.status == .skipped }.count)
            #expect(row.taskMetricUnscored == taskEntries.filter { $0 == nil || $0?.status == .unscored || $0?.status == .failed }.count)
            #expect(row.interactivityUnscored == itrEntries.filter { $0?.status != .scored }.count)
            #expect(row.unscored == unscored)
        }
    }
}
