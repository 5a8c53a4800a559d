import CollabBenchCore
import CollabBenchReports
import CollabBenchRunner
import CollabBenchStore
import Foundation
import Testing

/// The leaderboard and the run summary count early stops and leaks with the same tally, from the
/// rows as every store has held them (a leak is a `sim_leak` detail starting with `flagged`).
@Suite(.timeLimit(.minutes(1)))
struct LeaderboardQualityTallyTests {
    typealias S = ReportsTestSupport

    @Test func leaksStoredAsDetailTextAreCountedByTheLeaderboardAndTheRunSummary() throws {
        let store = try S.newStore()
        try S.addRun(store, id: "run-leaky", kind: .docs, conversations: [])
        let fidelity: [[ScoreEntry]] = [
            [
                ScoreEntry(metric: "sim_early_stop", value: 1, status: .scored, method: "rule"),
                ScoreEntry(metric: "sim_leak", value: 0.9, status: .scored, method: "lcs", detail: "flagged: copied 300 characters of the reference"),
            ],
            [
                ScoreEntry(metric: "sim_early_stop", value: 0, status: .scored, method: "rule"),
                ScoreEntry(metric: "sim_leak", value: 0.4, status: .scored, method: "lcs", detail: "flagged: copied 120 characters of the reference"),
            ],
            [
                ScoreEntry(metric: "sim_early_stop", value: 0, status: .scored, method: "rule"),
                ScoreEntry(metric: "sim_leak", value: 0.05, status: .scored, method: "lcs"),
            ],
        ]
        for (i, entries) in fidelity.enumerated() {
            var result = S.result(
                runID: "run-leaky", kind: .docs, S.Conversation(task: "t\(i)", metric: 0.5), agent: "openai/agent-a", user: "openai/user-sim",
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
}
