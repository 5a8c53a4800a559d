import CollabBenchCore
import CollabBenchReports
import CollabBenchRunner
import CollabBenchStore
import Foundation
import Testing

/// Human runs on the leaderboard: a study joins the board of the simulated runs it matches in
/// everything but the user role, as its own marked row; and rows whose judge has a stored
/// `calibrate judge` result show its ρ against real users.
@Suite(.timeLimit(.minutes(5)))
struct LeaderboardHumanRowsTests {
    typealias S = ReportsTestSupport

    /// ``ReportsTestSupport/addRun`` for runs whose user or agent is not a model provider
    /// (`human/study`, `recorded/simulatorarena`): the same configuration, specs built directly.
    @discardableResult
    static func addRun(
        _ store: ResultStore, id: String, kind: TaskKind, packName: String? = nil, agent: String = "openai/agent-a",
        preset: String = "base",
        user: String = "openai/user-sim", judge: String = "openai/judge-a", judgePrompt: String = "0a0a0a0a0a0a",
        createdAt: String = "2026-01-01T00:00:00Z", conversations: [S.Conversation]
    ) throws -> RunRecord {
        func spec(_ text: String) -> ModelSpec {
            let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
            return ModelSpec(provider: parts[0], model: parts[1])
        }
        let pack = packName ?? kind.rawValue
        var hashes = S.promptHashes
        hashes["judge.interactivity"] = judgePrompt
        let settings = ConversationSettings(
            maxExchanges: kind.defaultMaxExchanges, agentSampling: Sampling(temperature: 0.6, topP: 0.9, maxTokens: 1024),
            agentSystemPrompt: nil)
        let config = RunConfiguration(
            name: id, agent: spec(agent), agentPreset: preset, userSimulator: spec(user), judge: spec(judge), conversation: settings,
            judgeSampling: Sampling(temperature: 0, maxTokens: 400), judgeMaxAttempts: 3, judgeStructuredOutput: true, seed: 42, limit: nil,
            concurrency: 4, metric: MetricSettings(), promptHashes: hashes, packName: pack, packVersion: "1", packHash: "packhash0001")
        let run = RunRecord(
            id: id, name: id, createdAt: createdAt, status: .completed, packName: pack, packVersion: "1", packKind: kind,
            packHash: "packhash0001", agent: agent, agentPreset: preset, userSimulator: user, judge: judge, seed: 42,
            taskCount: conversations.count, configJSON: try config.json(), collabbenchVersion: "test")
        try store.createRun(run, prompts: [])
        for c in conversations { try store.save(S.result(runID: id, kind: kind, c, agent: agent, user: user, judge: judge)) }
        return run
    }

    @Test func aStudyJoinsTheBoardOfTheSimulatedRunsOfItsAgentAsAMarkedRow() throws {
        let store = try S.newStore()
        try Self.addRun(store, id: "run-sim", kind: .docs, conversations: S.binary([1, 0, 1, 1]))
        // The study: same pack, agent and judge, people as users, on two of the four tasks.
        try Self.addRun(store, id: "run-study", kind: .docs, preset: "human", user: "human/study", conversations: S.binary([1, 1]))
        let report = try Leaderboard.build(store: store)
        #expect(report.boards.count == 1)
        let board = try #require(report.boards.first)
        #expect(board.rows.count == 2)
        let study = try #require(board.rows.first { $0.runs == ["run-study"] })
        let simulated = try #require(board.rows.first { $0.runs == ["run-sim"] })
        #expect(study.user == "human/study" && study.humanRun == true && study.agent == "openai/agent-a [human]")
        #expect(simulated.user == nil && simulated.humanRun == nil)
        #expect(report.runProfiles["run-study"] == report.runProfiles["run-sim"])
        #expect(study.profileID == board.profile.id && board.profile.simulatorModel == "openai/user-sim")

        let json = try LeaderboardRenderer.json(board.rows)
        #expect(json.contains(#""user" : "human/study""#) && json.contains(#""humanRun" : true"#))
        #expect(json.components(separatedBy: "humanRun").count == 2)  // the simulated row has none
        let text = LeaderboardRenderer.text(report)
        #expect(text.contains("openai/agent-a [human]"))
        #expect(text.contains("human runs on this board (real users, not the simulated user): openai/agent-a [human] (human/study)"))
    }

    @Test func aStudyThatDiffersInMoreThanTheUserRoleKeepsItsOwnBoard() throws {
        let store = try S.newStore()
        try Self.addRun(store, id: "run-sim", kind: .docs, conversations: S.binary([1, 0, 1, 1]))
        try Self.addRun(
            store, id: "run-other-judge", kind: .docs, preset: "human", user: "human/study", judge: "openai/judge-b",
            conversations: S.binary([1]))
        try Self.addRun(
            store, id: "run-other-task", kind: .docs, preset: "human", user: "human/study",
            conversations: [S.Conversation(task: "t99", metric: 1)])
        let report = try Leaderboard.build(store: store)
        #expect(report.boards.count == 3)
        #expect(Set(report.runProfiles.values).count == 3)
        // Without human runs nothing changes: no mark on simulated rows.
        #expect(report.rows.filter { $0.humanRun == true }.count == 2)
    }

    static func estimate(_ value: Double, _ lower: Double, _ upper: Double, n: Int) -> CorrelationEstimate {
        CorrelationEstimate(
            method: .spearman, n: n, value: value, interval: ConfidenceInterval(lower: lower, upper: upper, level: 0.95),
            undefinedResamples: 0)
    }

    /// A calibration run as `calibrate judge` stores it: a human run judged by `judge`, with its
    /// statistics as the run text `calibration/judge`.
    static func addCalibration(
        _ store: ResultStore, id: String, set: String, kind: TaskKind, judge: String, rho: CorrelationEstimate, createdAt: String
    ) throws {
        try Self.addRun(
            store, id: id, kind: kind, packName: "simulatorarena-\(set)", agent: "recorded/simulatorarena", preset: "human",
            user: "human/simulatorarena", judge: judge, createdAt: createdAt, conversations: S.binary([1, 1, 1]))
        struct Judge: Encodable {
            var judge: String
            var n: Int
            var spearman: CorrelationEstimate
        }
        struct Stored: Encodable {
            var set: String
            var humanRun: String
            var calibrationRun: String
            var ratingMetric: String
            var judges: [Judge]
        }
        let stored = Stored(
            set: set, humanRun: "simulatorarena-\(set)", calibrationRun: id, ratingMetric: "human.interaction_rating",
            judges: [Judge(judge: judge + "@http://127.0.0.1:9/v1", n: rho.n, spearman: rho)])
        let text = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        try store.addRunPrompts(runID: id, [PromptTemplate(name: "calibration/judge", text: text)])
    }

    @Test func rowsJudgedByACalibratedJudgeShowItsRhoForTheirKind() throws {
        let store = try S.newStore()
        try Self.addRun(store, id: "run-docs", kind: .docs, conversations: S.binary([1, 0, 1]))
        try Self.addRun(store, id: "run-math", kind: .math, conversations: S.binary([1, 0, 1]))
        try Self.addRun(store, id: "run-docs-b", kind: .docs, judge: "openai/judge-b", conversations: S.binary([1, 0, 1]))
        try Self.addCalibration(
            store, id: "cal-old", set: "document-creation", kind: .docs, judge: "openai/judge-a", rho: Self.estimate(0.1, -0.2, 0.4, n: 51),
            createdAt: "2026-01-02T00:00:00Z")
        try Self.addCalibration(
            store, id: "cal-new", set: "document-creation", kind: .docs, judge: "openai/judge-a",
            rho: Self.estimate(0.31, 0.05, 0.55, n: 51),
            createdAt: "2026-01-03T00:00:00Z")
        let report = try Leaderboard.build(store: store)
        let docsRow = try #require(report.rows.first { $0.runs == ["run-docs"] })
        // The newest calibration of the same judge (model, rubric, prompt) on the docs set.
        let figure = try #require(docsRow.judgeCalibration)
        #expect(figure.calibrationRun == "cal-new" && figure.set == "document-creation" && figure.instrument == "interactivity")
        #expect(figure.spearman.value == 0.31 && figure.n == 51 && figure.summary == "+0.31 [0.05, 0.55] n 51")
        // No calibration on math, none for judge B.
        #expect(report.rows.first { $0.runs == ["run-math"] }?.judgeCalibration == nil)
        #expect(report.rows.first { $0.runs == ["run-docs-b"] }?.judgeCalibration == nil)

        let json = try LeaderboardRenderer.json([docsRow])
        #expect(json.contains(#""judgeCalibration" : {"#) && json.contains(#""calibrationRun" : "cal-new""#))
        let text = LeaderboardRenderer.text(report)
        #expect(text.contains("judge ρ vs users [95% CI]") && text.contains("+0.31 [0.05, 0.55] n 51"))
        #expect(
            text.contains(
                "judge calibrated on document-creation (run cal-new): Spearman ρ of its interactivity vs human.interaction_rating"))
        // One pack asked for: the calibration (a run of another pack) still applies.
        let docsOnly = try Leaderboard.build(store: store, options: LeaderboardOptions(pack: "docs"))
        #expect(docsOnly.rows.first { $0.runs == ["run-docs"] }?.judgeCalibration?.calibrationRun == "cal-new")
    }

    @Test func aCalibrationWithAnotherJudgePromptDoesNotApply() throws {
        let store = try S.newStore()
        try Self.addRun(store, id: "run-docs", kind: .docs, judgePrompt: "ffffffffffff", conversations: S.binary([1, 0, 1]))
        try Self.addCalibration(
            store, id: "cal", set: "document-creation", kind: .docs, judge: "openai/judge-a", rho: Self.estimate(0.3, 0.1, 0.5, n: 51),
            createdAt: "2026-01-02T00:00:00Z")
        let report = try Leaderboard.build(store: store)
        #expect(report.rows.first { $0.runs == ["run-docs"] }?.judgeCalibration == nil)
    }
}
