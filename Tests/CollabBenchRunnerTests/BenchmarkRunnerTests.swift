import CollabBenchCore
import CollabBenchModels
import CollabBenchPacks
import CollabBenchReports
import CollabBenchRunner
import CollabBenchScoring
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// Runs whole packs through real HTTP against the loopback OpenAI server, into a real SQLite store.
@Suite(.timeLimit(.minutes(5)))
struct BenchmarkRunnerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// A server playing user, agent and judge: it tells the roles apart by their prompts.
    static func scriptedServer(agentReply: @escaping @Sendable (String) -> String, judgeReply: String = #"{"thought":"fine","score":3}"#) async throws -> LoopbackOpenAIServer {
        try await LoopbackOpenAIServer.start { request in
            let messages = request.messages
            if messages.first?.content.contains("You are evaluating how well an AI assistant") == true {
                return .chat(judgeReply)
            }
            if messages.first?.role == "system", messages.first?.content.contains("You are playing a person") == true {
                let turn = messages.last?.content ?? ""
                let done = turn.contains("Assistant:")
                return .chat(done ? #"{"thought":"ok","message":"thx [[TERMINATE CHAT]]"}"# : #"{"thought":"vague","message":"can u help me"}"#)
            }
            return .chat(agentReply(messages.last?.content ?? ""))
        }
    }

    /// Runs a built-in pack assembled as `collabbench run` assembles it (``RunAssembler``), with
    /// every role played by the scripted server and no response cache.
    func runPack(_ name: String, server: LoopbackOpenAIServer, store: ResultStore, concurrency: Int = 2) async throws -> RunSummary {
        var plan = RunPlan(pack: Self.root + "/Tasks/" + name, agent: .model("openai/scripted@\(server.baseURL)"))
        plan.name = "test-\(name)"
        plan.store = store.path
        plan.concurrency = concurrency
        plan.judgeAttempts = 2
        plan.cache = .off
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01), environment: [:])
        let session = try await RunAssembler(plan: plan, environment: [:], workingDirectory: Self.root).prepare()
            .open(factory: factory, countingTokens: false)
        return try await session.runThenClose()
    }

    @Test func mathRunIsStoredScoredAndOnTheLeaderboard() async throws {
        let server = try await Self.scriptedServer { _ in "The answer is \\boxed{72}." }
        let store = try ResultStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("cb-run-\(UUID()).sqlite").path)
        let summary = try await runPack("math", server: server, store: store)
        try await server.stop()
        #expect(summary.completed == 6)
        #expect(summary.failed == 0)
        let conversations = try store.conversationScores(runID: summary.runID)
        #expect(conversations.count == 6)
        // Only the first task's answer is 72.
        let correct = conversations.filter { $0.scores["accuracy"]?.value == 1 }.map(\.taskID)
        #expect(correct == ["cb-math-001"])
        for c in conversations {
            #expect(c.endReason == "user_terminated")
            #expect(c.scores["itr"]?.value == 1)
            let messages = try store.messages(conversationID: c.conversationID)
            #expect(messages.first?.role == "user")
            #expect(messages.last?.text.contains("[[TERMINATE CHAT]]") == true)
        }
        let rows = try Leaderboard.rows(store: store)
        #expect(rows.count == 1)
        #expect(abs((rows[0].taskMetric ?? 0) - 100.0 / 6) < 1e-9)
        #expect(rows[0].interactivity == 100)
        #expect(rows[0].conversations == 6)
        // The agent never saw a hidden intent: no agent request carries the simulator's prompt.
        for request in server.requests where request.messages.first?.role != "system" && !(request.messages.first?.content.contains("evaluating") ?? false) {
            #expect(!request.body.contains("secretly want"))
        }
    }

    @Test func unreadableJudgeRepliesAreUnscoredNotZero() async throws {
        let server = try await Self.scriptedServer(agentReply: { _ in "\\boxed{1}" }, judgeReply: "I refuse to grade.")
        let store = try ResultStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("cb-run-\(UUID()).sqlite").path)
        let summary = try await runPack("math", server: server, store: store)
        try await server.stop()
        let rows = try Leaderboard.rows(store: store)
        #expect(rows[0].interactivity == nil)
        #expect(rows[0].interactivityUnscored == summary.completed)
        for c in try store.conversationScores(runID: summary.runID) {
            #expect(c.scores["itr"]?.status == .unscored)
            #expect(c.scores["itr"]?.value == nil)
        }
    }

    @Test func deadAgentMarksConversationsFailedNotZero() async throws {
        let server = try await LoopbackOpenAIServer.start { request in
            request.messages.first?.content.contains("You are playing a person") == true
                ? .chat(#"{"thought":"","message":"hi"}"#) : .error(500, message: "agent crashed")
        }
        let store = try ResultStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("cb-run-\(UUID()).sqlite").path)
        let summary = try await runPack("docs", server: server, store: store)
        try await server.stop()
        #expect(summary.failed == 3)
        let rows = try Leaderboard.rows(store: store)
        #expect(rows[0].failed == 3)
        #expect(rows[0].taskMetric == nil)
    }
}
