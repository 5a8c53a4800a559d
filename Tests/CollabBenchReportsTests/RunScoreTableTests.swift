import CollabBenchCore
import CollabBenchStore
import Foundation
import Testing

@testable import CollabBenchReports

/// The compact score table the reports read (``ResultStore/scoreTable(runID:)``) holds what
/// ``ResultStore/conversationScores(runID:)`` holds for them: every conversation's task, trial,
/// status and each metric's value, status and flag, so the statistics are the same.
@Suite(.timeLimit(.minutes(5)))
struct RunScoreTableTests {
    typealias S = ReportsTestSupport

    /// A store with failed, unscored, skipped, missing and leak-flagged entries over several trials.
    static func store() throws -> (ResultStore, String) {
        var seed: UInt64 = 11
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let store = try S.newStore()
        let runID = "run-table"
        try S.addRun(store, id: runID, kind: .math, conversations: [])
        let statuses: [ScoreStatus] = [.scored, .scored, .skipped, .unscored, .failed]
        for i in 0..<60 {
            var c = S.Conversation(task: "t\(i % 17)", trial: i / 17, metric: Double(next(2)), failed: next(7) == 0)
            c.metricStatus = statuses[next(statuses.count)]
            c.itrStatus = statuses[next(statuses.count)]
            c.itr = c.itrStatus == .scored ? Double(next(5)) / 2 - 1 : nil
            if c.metricStatus != .scored { c.metric = nil }
            var result = S.result(
                runID: runID, kind: .math, c, agent: "openai/agent-a", user: "openai/user-sim", judge: "openai/judge-a")
            if !c.failed {
                if next(6) == 0 { result.scores.removeAll { $0.metric == "accuracy" } }
                if next(6) == 0 { result.scores.removeAll { $0.metric == "itr" } }
                switch next(4) {
                case 0: result.scores.append(.flagged(.leak, value: 0.8, method: "lcs", note: "copied 200 characters"))
                case 1:
                    let below = ScoreEntry(metric: "sim_leak", value: 0.1, status: .scored, method: "lcs", detail: "below threshold")
                    result.scores.append(below)
                case 2: result.scores.append(ScoreEntry(metric: "sim_leak", value: nil, status: .unscored, method: "lcs"))
                default: break
                }
                // A detail that starts with the flag's prefix on a metric that raises no flag.
                result.scores.append(
                    ScoreEntry(metric: "sim_early_stop", value: Double(next(2)), status: .scored, method: "rule", detail: "flagged too"))
                result.scores.append(ScoreEntry(metric: "itr.0.\(next(2))", value: Double(next(3)) - 1, status: .scored, method: "judge"))
            }
            try store.save(result)
        }
        return (store, runID)
    }

    @Test func tableHoldsWhatTheConversationScoresHoldForReports() throws {
        let (store, runID) = try Self.store()
        let old = try store.conversationScores(runID: runID)
        let table = try store.scoreTable(runID: runID)
        let new = table.conversations
        #expect(new.count == old.count)
        #expect(old.contains { $0.status == .failed })
        #expect(old.contains { $0.scores["sim_leak"]?.flag == .leak })
        for (o, n) in zip(old, new) {
            #expect(n.conversationID == o.conversationID)
            #expect(n.taskID == o.taskID)
            #expect(n.trial == o.trial)
            #expect(n.status == o.status)
            #expect(n.key == o.key)
            #expect(Set(n.scores.keys) == Set(o.scores.keys))
            for (metric, entry) in o.scores {
                let cell = try #require(n.scores[metric])
                #expect(cell.value == entry.value)
                #expect(cell.status == entry.status)
                #expect(cell.flag == entry.flag)
            }
            #expect(n.scores["no-such-metric"] == nil)
        }
        let scored = Set(old.flatMap { $0.scores.values.filter { $0.status == .scored }.map(\.metric) })
        #expect(table.scoredMetrics == scored)
        #expect(try store.scoreTable(runID: "nope").count == 0)
    }

    @Test func statisticsFromTheTableEqualThoseFromTheConversationScores() throws {
        let (store, runID) = try Self.store()
        let old = try store.conversationScores(runID: runID).filter { $0.status == .completed }
        let new = try store.scoreTable(runID: runID).conversations.filter { $0.status == .completed }

        // The tally behind the unscored, early-stop and leak columns.
        let oldTally = QualityTally(old.map(\.scores), taskMetric: "accuracy")
        let newTally = QualityTally(new.lazy.map(\.scores.entries), taskMetric: "accuracy")
        #expect(newTally == oldTally)
        #expect(oldTally.leaksFlagged > 0)
        #expect(oldTally.taskMetricNotScored > 0 && oldTally.taskMetricMissing > 0 && oldTally.interactivityNotScored > 0)

        // Per-task means, as the leaderboard, comparison and gate compute them.
        for metric in [Metric.accuracy, .tokensK, .itr] {
            var sums: [String: (Double, Int)] = [:]
            for c in old {
                guard let e = c.scores[metric.name], e.status == .scored, let v = e.value else { continue }
                let s = sums[c.taskID] ?? (0, 0)
                sums[c.taskID] = (s.0 + v * metric.scale.factor, s.1 + 1)
            }
            let values = TaskValues(new, metric: metric)
            #expect(values.taskIDs == sums.keys.sorted())
            #expect(values.perTask == values.taskIDs.map { sums[$0].map { $0.0 / Double($0.1) } ?? 0 })
            #expect(values.scoredConversations == sums.values.reduce(0) { $0 + $1.1 })
        }

        // pass@k over the trials.
        var counts: [String: (n: Int, c: Int)] = [:]
        for c in old {
            guard let e = c.scores["accuracy"], e.status == .scored, let v = e.value else { continue }
            counts[c.taskID, default: (0, 0)].n += 1
            if v >= 0.5 { counts[c.taskID, default: (0, 0)].c += 1 }
        }
        let tasks = counts.keys.sorted().compactMap { counts[$0] }
        let maxTrials = tasks.map(\.n).max() ?? 0
        #expect(maxTrials >= 2)
        let expected = (1...maxTrials).compactMap { k in
            PassAtK.mean(tasks: tasks, k: k).map {
                PassAtKEstimate(k: k, passAtK: $0.passAtK * 100, passHatK: $0.passHatK * 100, tasks: $0.tasks)
            }
        }
        #expect(Leaderboard.passAtK(new, metric: "accuracy") == expected)

        // The leaderboard row's judge agreement reads `itr.*` coders from the same cells.
        let row = try #require(try Leaderboard.rows(store: store).first)
        #expect(row.simulatorLeaksFlagged == oldTally.leaksFlagged)
        #expect(row.unscored == oldTally.conversationsWithUnscoredFigure)
    }
}
