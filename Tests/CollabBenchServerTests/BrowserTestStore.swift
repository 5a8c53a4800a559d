import CollabBenchCore
import CollabBenchRunner
import CollabBenchStore
import Foundation

/// Stores with known rows for the browser tests, written through the real store API.
enum BrowserTestStore {
    static let hostile = "<script>alert('pwned')</script> & \"quotes\""

    static func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cb-browser-\(UUID().uuidString).sqlite").path
    }

    /// One conversation of a test run.
    struct Row {
        var task: String
        var score: Double?
        var failed = false
        var agentText = "Here is the answer."
        var thought = "the user is vague"
        var cost: Double? = 0.001
    }

    /// Creates run `id` (math) with `rows`; returns the stored conversation ids in row order.
    @discardableResult
    static func addRun(_ store: ResultStore, id: String, name: String? = nil, agent: String = "openai/agent-a", rows: [Row]) throws -> [Int64] {
        let settings = ConversationSettings(
            maxExchanges: TaskKind.math.defaultMaxExchanges, agentSampling: Sampling(temperature: 0.6, topP: 0.9, maxTokens: 1024), agentSystemPrompt: nil)
        let config = RunConfiguration(
            name: name, agent: try ModelSpec(parsing: agent), agentPreset: "base", userSimulator: try ModelSpec(parsing: "openai/user-sim"),
            judge: try ModelSpec(parsing: "openai/judge-a"), conversation: settings, judgeSampling: Sampling(temperature: 0, maxTokens: 400),
            judgeMaxAttempts: 3, judgeStructuredOutput: true, seed: 42, limit: nil, concurrency: 4, metric: MetricSettings(),
            promptHashes: ["judge.interactivity": "0a0a0a0a"], packName: "math", packVersion: "1", packHash: "packhash0001")
        let run = RunRecord(
            id: id, name: name ?? id, createdAt: "2026-01-01T00:00:0\(id.count % 10)Z", status: .completed, packName: "math", packVersion: "1",
            packKind: .math, packHash: "packhash0001", agent: agent, agentPreset: "base", userSimulator: "openai/user-sim", judge: "openai/judge-a",
            seed: 42, taskCount: rows.count, configJSON: try config.json(), collabbenchVersion: "test")
        try store.createRun(run, prompts: [])
        return try rows.map { try store.save(result(runID: id, row: $0, agent: agent)) }
    }

    static func result(runID: String, row: Row, agent: String) -> ConversationResult {
        let user = Turn(
            role: .user, text: "can u help me",
            call: CallRecord(model: "openai/user-sim", rawReply: "{\"message\":\"can u help me\"}", thought: row.thought))
        let reply = Turn(role: .assistant, text: row.agentText, call: CallRecord(model: agent, rawReply: row.agentText, costUSD: row.cost))
        if row.failed {
            return ConversationResult(
                runID: runID, taskID: row.task, trial: 0, seed: 1, transcript: Transcript(turns: [user], endReason: .failed, failure: "agent crashed"),
                turnTokens: [4], scores: [], verdicts: [], startedAt: "t0", finishedAt: "t1")
        }
        let closing = Turn(role: .user, text: "thx [[TERMINATE CHAT]]", call: CallRecord(model: "openai/user-sim", rawReply: "{}"))
        let scores = [
            ScoreEntry(metric: TaskKind.math.metric.name, value: row.score, status: row.score == nil ? .skipped : .scored, method: "test", detail: "extracted 7"),
            ScoreEntry(metric: "tok_k", value: 0.5, status: .scored, method: "cl100k_base"),
            ScoreEntry(metric: "itr", value: 1, status: .scored, method: "judge:openai/judge-a"),
        ]
        let verdict = JudgeVerdict(
            criterion: "interactivity", status: .scored, rawScore: nil, score: 1,
            calls: [CallRecord(model: "openai/judge-a", rawReply: "{\"score\":3} judged")], promptHash: "0a0a")
        return ConversationResult(
            runID: runID, taskID: row.task, trial: 0, seed: 1, transcript: Transcript(turns: [user, reply, closing], endReason: .userTerminated),
            turnTokens: [4, 5, 3], scores: scores, verdicts: [verdict], startedAt: "t0", finishedAt: "t1")
    }
}
