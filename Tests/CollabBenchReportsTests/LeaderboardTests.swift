import CollabBenchCore
import CollabBenchReports
import CollabBenchStore
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct LeaderboardTests {
    typealias S = ReportsTestSupport

    @Test func rowsCarryIntervalsCountsAndQualityFigures() throws {
        let store = try S.newStore()
        var conversations = S.binary([1, 1, 0, 1, 0, 1, 1, 0, 1, 1])
        conversations[0].userFormatError = true
        conversations[1].itrStatus = .unscored
        conversations[1].itr = nil
        conversations[1].judgeUnreadable = 2
        conversations[2].tok = 1.5
        conversations.append(S.Conversation(task: "t11", failed: true))
        try S.addRun(store, id: "run-a", name: "alpha", conversations: conversations)
        let report = try Leaderboard.build(store: store)
        #expect(report.boards.count == 1)
        let row = try #require(report.rows.first)
        #expect(row.conversations == 11)
        #expect(row.tasks == 11)
        #expect(row.failed == 1)
        #expect(abs((row.taskMetric ?? 0) - 70) < 1e-9)
        let ci = try #require(row.taskMetricCI)
        #expect(ci.lower < 70 && 70 < ci.upper)
        #expect(ci.lower >= 0 && ci.upper <= 100)
        #expect(row.taskMetricN == 10)
        #expect(row.interactivityUnscored == 1)
        #expect(row.unscored == 1)
        #expect(abs((row.tokensK ?? 0) - 0.6) < 1e-9)
        // 10 completed conversations with 2 user messages each, one flagged; 9 + 2 judge calls, 2 unreadable.
        #expect(row.userMessages == 21)
        #expect(abs((row.simulatorFormatErrorRate ?? 0) - 1.0 / 21) < 1e-12)
        #expect(row.judgeCalls == 11)
        #expect(abs((row.judgeUnreadableRate ?? 0) - 2.0 / 11) < 1e-12)
        #expect(row.passAtK.isEmpty)
        // The same store and seed give the same intervals; another seed may not.
        #expect(try Leaderboard.build(store: store) == report)
        let text = LeaderboardRenderer.text(report)
        #expect(text.contains("70.0 ["))
        #expect(text.contains("4.8%"))
    }

    @Test func differentProfilesAreSeparateBoardsWithTheDifferenceNamed() throws {
        let store = try S.newStore()
        try S.addRun(store, id: "r1", agent: "openai/strong", judge: "openai/a", conversations: S.binary([1, 1, 1, 0]))
        try S.addRun(store, id: "r2", agent: "openai/weak", judge: "openai/a", conversations: S.binary([0, 1, 0, 0]))
        try S.addRun(store, id: "r3", agent: "openai/other", judge: "openai/b", conversations: S.binary([1, 1, 1, 1]))
        try S.addRun(store, id: "r4", kind: .code, agent: "openai/strong", conversations: S.binary([1, 0]))
        let report = try Leaderboard.build(store: store)
        #expect(report.boards.map(\.pack) == ["code", "math", "math"])
        let math = report.boards.filter { $0.pack == "math" }
        #expect(math[0].rows.map(\.agent) == ["openai/strong", "openai/weak"])
        #expect(math[0].differences.isEmpty)
        #expect(math[1].rows.map(\.agent) == ["openai/other"])
        #expect(math[1].differences.contains("judge differs: openai/b vs openai/a"), "\(math[1].differences)")
        let text = LeaderboardRenderer.text(report)
        #expect(text.contains("not ranked with the board above: judge differs: openai/b vs openai/a"))
        // --pack keeps one pack.
        #expect(try Leaderboard.build(store: store, options: LeaderboardOptions(pack: "code")).boards.count == 1)
        // The old entry point still gives every row.
        #expect(try Leaderboard.rows(store: store).count == 4)
    }

    @Test func runsOfOneAgentMergeAndAgentsThatReadTheSameShowTheirSamplingAndServer() throws {
        let store = try S.newStore()
        try S.addRun(store, id: "r1", agent: "openai/a", conversations: S.binary([1, 0]))
        try S.addRun(store, id: "r2", agent: "openai/a", conversations: S.binary([1, 1]))
        try S.addRun(store, id: "r3", agent: "openai/a", agentTemperature: 1.0, conversations: S.binary([0, 0]))
        try S.addRun(store, id: "r4", agent: "openai/a", preset: "proactive", conversations: S.binary([1, 1]))
        try S.addRun(store, id: "r5", agent: "openai/a@http://127.0.0.1:2/v1", conversations: S.binary([0, 1]))
        let report = try Leaderboard.build(store: store)
        #expect(report.boards.count == 1)
        let rows = report.boards[0].rows
        #expect(rows.count == 4)
        #expect(rows[0].agent == "openai/a [proactive]")
        let merged = try #require(rows.first { $0.runs.count == 2 })
        #expect(merged.conversations == 4)
        #expect(merged.trials == 2)
        #expect(merged.agent.hasPrefix("openai/a (T 0.6"))
        #expect(abs((merged.taskMetric ?? 0) - 75) < 1e-9)
        // Two trials per task: pass@k and pass^k appear (tasks t01: 2 of 2, t02: 1 of 2).
        #expect(merged.passAtK.map(\.k) == [1, 2])
        #expect(abs(merged.passAtK[1].passAtK - 100) < 1e-9)
        #expect(abs(merged.passAtK[1].passHatK - 50) < 1e-9)
        #expect(rows.contains { $0.agent.hasPrefix("openai/a (T 1") })
        // Another server is another agent: a model name does not say which model a server runs.
        #expect(rows.contains { $0.runs == ["r5"] && $0.agent.hasSuffix("@127.0.0.1:2") })
        #expect(Set(rows.map(\.agent)).count == rows.count)
    }

    @Test func terminalOutputCarriesNoControlSequences() throws {
        let store = try S.newStore()
        try S.addRun(store, id: "r1", name: "evil\u{1B}[2J", agent: "openai/x\u{1B}]0;pwned\u{07}", conversations: S.binary([1]))
        let text = LeaderboardRenderer.text(try Leaderboard.build(store: store))
        #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" })
        #expect(TerminalText.sanitize("a\u{202E}b") == "a b")
    }

    @Test func emptyStore() throws {
        let report = try Leaderboard.build(store: try S.newStore())
        #expect(report.boards.isEmpty)
        #expect(LeaderboardRenderer.text(report) == "No runs in this database yet.\n")
    }
}
