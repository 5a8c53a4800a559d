import CollabBenchCore
import CollabBenchModels
import CollabBenchPacks
import CollabBenchRunner
import CollabBenchScoring
import CollabBenchStore
import CollabBenchTestSupport
import Foundation

/// Stores for the report tests: synthetic runs written through the real store API, and real runs
/// made against the loopback server.
enum ReportsTestSupport {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func tempPath(_ name: String = "store", ext: String = "sqlite") -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cb-reports-\(name)-\(UUID().uuidString).\(ext)").path
    }

    static func newStore() throws -> ResultStore {
        try ResultStore(path: tempPath())
    }

    /// One synthetic conversation.
    struct Conversation {
        var task: String
        var trial = 0
        var metric: Double?
        var metricStatus: ScoreStatus = .scored
        var itr: Double? = 1
        var itrStatus: ScoreStatus = .scored
        var tok: Double? = 0.5
        var failed = false
        var agentText = "Here is the answer."
        var userText = "can u help me"
        var userFormatError = false
        var judgeUnreadable = 0
    }

    static let promptHashes = [
        "user-simulator.system": "a1a1a1a1a1a1", "user-simulator.turn": "b2b2b2b2b2b2", "user-simulator.guidance.math": "c3c3c3c3",
        "user-simulator.guidance.code": "d4d4d4d4", "user-simulator.guidance.docs": "e5e5e5e5", "agent.proactive.system": "f6f6f6f6",
        "judge.interactivity": "0a0a0a0a0a0a",
    ]

    /// Adds a run with `conversations` to `store`.
    @discardableResult
    static func addRun(
        _ store: ResultStore, id: String, name: String? = nil, kind: TaskKind = .math, packName: String? = nil,
        agent: String = "openai/agent-a", preset: String = "base", agentTemperature: Double = 0.6,
        user: String = "openai/user-sim", judge: String = "openai/judge-a", packHash: String = "packhash0001",
        judgePrompt: String = "0a0a0a0a0a0a", seed: Int = 42, createdAt: String = "2026-01-01T00:00:00Z",
        conversations: [Conversation]
    ) throws -> RunRecord {
        let pack = packName ?? kind.rawValue
        var hashes = promptHashes
        hashes["judge.interactivity"] = judgePrompt
        let settings = ConversationSettings(
            maxExchanges: kind.defaultMaxExchanges, agentSampling: Sampling(temperature: agentTemperature, topP: 0.9, maxTokens: 1024),
            agentSystemPrompt: preset == "proactive" ? "Ask questions." : nil)
        let config = RunConfiguration(
            name: name, agent: try ModelSpec(parsing: agent), agentPreset: preset, userSimulator: try ModelSpec(parsing: user),
            judge: try ModelSpec(parsing: judge), conversation: settings, judgeSampling: Sampling(temperature: 0, maxTokens: 400),
            judgeMaxAttempts: 3, judgeStructuredOutput: true, seed: seed, limit: nil, concurrency: 4, metric: MetricSettings(),
            promptHashes: hashes, packName: pack, packVersion: "1", packHash: packHash)
        let run = RunRecord(
            id: id, name: name ?? id, createdAt: createdAt, status: .completed, packName: pack, packVersion: "1", packKind: kind,
            packHash: packHash, agent: agent, agentPreset: preset, userSimulator: user, judge: judge, seed: seed,
            taskCount: conversations.count, configJSON: try config.json(), collabbenchVersion: "test")
        try store.createRun(run, prompts: [])
        for c in conversations {
            try store.save(result(runID: id, kind: kind, c, agent: agent, user: user, judge: judge))
        }
        return run
    }

    static func result(runID: String, kind: TaskKind, _ c: Conversation, agent: String, user: String, judge: String) -> ConversationResult {
        let userTurn = Turn(role: .user, text: c.userText, call: CallRecord(model: user, rawReply: "{\"message\":\"x\"}", formatError: c.userFormatError, thought: "vague"))
        let agentTurn = Turn(role: .assistant, text: c.agentText, call: CallRecord(model: agent, rawReply: c.agentText))
        let closing = Turn(role: .user, text: "thx [[TERMINATE CHAT]]", call: CallRecord(model: user, rawReply: "{}"))
        if c.failed {
            return ConversationResult(
                runID: runID, taskID: c.task, trial: c.trial, seed: 1, transcript: Transcript(turns: [userTurn], endReason: .failed, failure: "agent crashed"),
                turnTokens: [4], scores: [], verdicts: [], startedAt: "t0", finishedAt: "t1")
        }
        var scores = [
            ScoreEntry(metric: kind.metricName, value: c.metric, status: c.metricStatus, method: "test"),
            ScoreEntry(metric: "tok_k", value: c.tok, status: c.tok == nil ? .skipped : .scored, method: "cl100k_base"),
            ScoreEntry(metric: "turns", value: 2, status: .scored, method: "count"),
        ]
        scores.append(ScoreEntry(metric: "itr", value: c.itr, status: c.itrStatus, method: "judge:\(judge)", detail: "fine"))
        var calls = (0..<c.judgeUnreadable).map { _ in CallRecord(model: judge, rawReply: "no idea", formatError: true) }
        if c.itrStatus == .scored { calls.append(CallRecord(model: judge, rawReply: "{\"score\":3}")) }
        let verdict = JudgeVerdict(
            criterion: "interactivity", status: c.itrStatus == .scored ? .scored : .unscored, rawScore: nil, score: c.itr,
            calls: calls, promptHash: "0a0a")
        return ConversationResult(
            runID: runID, taskID: c.task, trial: c.trial, seed: 1,
            transcript: Transcript(turns: [userTurn, agentTurn, closing], endReason: .userTerminated),
            turnTokens: [4, 5, 3], scores: scores, verdicts: [verdict], startedAt: "t0", finishedAt: "t1")
    }

    /// Binary outcomes → conversations, tasks `t01`, `t02`, ….
    static func binary(_ outcomes: [Int], itr: Double? = 1, tok: Double? = 0.5) -> [Conversation] {
        outcomes.enumerated().map { i, v in Conversation(task: String(format: "t%02d", i + 1), metric: Double(v), itr: itr, tok: tok) }
    }

    // MARK: - Real runs against the loopback server

    /// Writes a math pack of `count` tasks whose answers are all 7 (prompts may carry `extra`).
    static func writeMathPack(count: Int, extraPromptText: String = "") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cb-reports-pack-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let manifest = #"{"name": "sevens", "version": "1", "kind": "math", "description": "Every answer is 7.", "tasks_file": "tasks.jsonl"}"#
        try manifest.write(toFile: dir + "/pack.json", atomically: true, encoding: .utf8)
        var lines: [String] = []
        for i in 1...count {
            let prompt = "What is \(i) + \(7 - i)? \(extraPromptText)"
            let object: [String: Any] = [
                "id": String(format: "seven-%02d", i), "prompt": prompt, "hidden_intent": prompt,
                "reference": ["text": "It is \\boxed{7}.", "answer": "7"], "metadata": ["source": "written for the report tests"],
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            lines.append(String(decoding: data, as: UTF8.self))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/tasks.jsonl", atomically: true, encoding: .utf8)
        return dir
    }

    /// A server playing user, agent and judge.
    static func scriptedServer(agentReply: @escaping @Sendable (String) -> String, judgeReply: String = #"{"thought":"fine","score":3}"#) async throws -> LoopbackOpenAIServer {
        try await LoopbackOpenAIServer.start { request in
            let messages = request.messages
            if messages.first?.content.contains("You are evaluating how well an AI assistant") == true {
                return .chat(judgeReply)
            }
            if messages.first?.role == "system", messages.first?.content.contains("You are playing a person") == true {
                let turn = messages.last?.content ?? ""
                return .chat(turn.contains("Assistant:") ? #"{"thought":"ok","message":"thx [[TERMINATE CHAT]]"}"# : #"{"thought":"vague","message":"can u help me"}"#)
            }
            return .chat(agentReply(messages.last?.content ?? ""))
        }
    }

    /// Runs the pack in `directory` with the scripted server as every model; returns the run id.
    static func run(packDirectory: String, server: LoopbackOpenAIServer, store: ResultStore, name: String) async throws -> String {
        // Assembled as `collabbench run` assembles it (no response cache, no token counting).
        var plan = RunPlan(pack: packDirectory, agent: .model("openai/scripted@\(server.baseURL)"))
        plan.name = name
        plan.store = store.path
        plan.judgeAttempts = 2
        plan.cache = .off
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01), environment: [:])
        let session = try await RunAssembler(plan: plan, environment: [:], workingDirectory: root).prepare()
            .open(factory: factory, countingTokens: false)
        let summary = try await session.runThenClose()
        return summary.runID
    }
}
