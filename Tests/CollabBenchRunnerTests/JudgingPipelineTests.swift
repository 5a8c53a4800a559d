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

/// The paper's judging pipeline through real HTTP: judged accuracy as the task metric, LLM
/// extraction of programs, repeated judgements, and the simulator's fidelity figures.
@Suite(.timeLimit(.minutes(5)))
struct JudgingPipelineTests {
    static let program = "def task_func(words):\n    from collections import Counter\n    return dict(Counter(w.strip().lower() for w in words if w.strip()))"

    static func server(accuracyReply: String = #"{"thought":"right","accuracy":1}"#) async throws -> LoopbackOpenAIServer {
        try await LoopbackOpenAIServer.start { request in
            let first = request.messages.first?.content ?? ""
            if first.contains("You are grading the answer") { return .chat(accuracyReply) }
            if first.contains("Below is a conversation in which an AI assistant") {
                let payload = try? JSONSerialization.data(withJSONObject: ["thought": "merged", "final_artifact": program])
                return .chat(String(decoding: payload ?? Data(), as: UTF8.self))
            }
            if first.contains("You are evaluating how well") { return .chat(#"{"thought":"ok","score":3}"#) }
            if first.contains("You are playing a person") {
                let done = (request.messages.last?.content ?? "").contains("Assistant:")
                // The user pastes part of the reference: the leak measure must see it.
                return .chat(done ? #"{"thought":"","message":"thanks [[TERMINATE CHAT]]"}"# : #"{"thought":"","message":"counts = Counter(w.strip().lower() for w in words if w.strip())"}"#)
            }
            // The agent never writes a fenced block: only the LLM extractor can find a program.
            return .chat("Use a Counter over the stripped, lower-cased words. The answer is \\boxed{999}.")
        }
    }

    func run(pack name: String, server: LoopbackOpenAIServer, judging: (any ChatModel, PromptLibrary) -> JudgingOptions) async throws -> (ResultStore, RunSummary) {
        let pack = try PackLoader.load(directory: BenchmarkRunnerTests.root + "/Tasks/" + name)
        let prompts = try PromptLibrary.load()
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01), environment: [:])
        defer { Task { try? await factory.shutdown() } }
        let spec = try ModelSpec(parsing: "openai/scripted@\(server.baseURL)")
        let settings = ConversationSettings(maxExchanges: pack.maxExchanges, agentSampling: Sampling(temperature: 0.6, topP: 0.9))
        let config = RunConfiguration(
            name: nil, agent: spec, agentPreset: "base", userSimulator: spec, judge: spec, conversation: settings,
            judgeSampling: Sampling(temperature: 0), judgeMaxAttempts: 2, judgeStructuredOutput: true, protocolName: "collabllm",
            seed: 42, limit: 2, concurrency: 2, metric: pack.manifest.metric, promptHashes: prompts.hashes,
            packName: pack.manifest.name, packVersion: pack.manifest.version, packHash: pack.contentHash)
        let store = try ResultStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("cb-judging-\(UUID()).sqlite").path)
        let judgeModel = factory.client(for: spec)
        let runner = BenchmarkRunner(
            pack: pack, configuration: config,
            engine: ConversationEngine(agent: factory.client(for: spec), simulator: factory.client(for: spec), prompts: prompts, settings: settings),
            judge: InteractivityJudge(model: judgeModel, prompts: prompts, maxAttempts: 2),
            scorer: ConversationScorer(tokenizer: nil, sandbox: CodeSandbox(python: "python3")), store: store, prompts: prompts,
            judging: judging(judgeModel, prompts))
        return (store, try await runner.run())
    }

    @Test func judgedAccuracyIsTheTaskMetricWithTheSymbolicCheckBeside() async throws {
        let server = try await Self.server()
        let (store, summary) = try await run(pack: "math", server: server) { model, prompts in
            JudgingOptions(repeats: 2, accuracyJudge: AccuracyJudge(model: model, prompts: prompts), judgedAccuracyIsPrimary: true)
        }
        try await server.stop()
        for c in try store.conversationScores(runID: summary.runID) {
            #expect(c.scores["accuracy"]?.value == 1)
            #expect(c.scores["accuracy"]?.method.hasPrefix("judge:") == true)
            #expect(c.scores["accuracy_symbolic"]?.value == 0)
            #expect(c.scores["itr.0.0"]?.value == 1)
            #expect(c.scores["itr.0.1"]?.value == 1)
            #expect(c.scores["itr"]?.value == 1)
            #expect(c.scores["sim_format_errors"]?.value == 0)
            #expect(c.scores["sim_early_stop"]?.value == 0)
        }
    }

    @Test func unreadableAccuracyJudgeIsUnscoredNotZero() async throws {
        let server = try await Self.server(accuracyReply: "It looks fine to me.")
        let (store, summary) = try await run(pack: "math", server: server) { model, prompts in
            JudgingOptions(accuracyJudge: AccuracyJudge(model: model, prompts: prompts, maxAttempts: 2), judgedAccuracyIsPrimary: true)
        }
        try await server.stop()
        for c in try store.conversationScores(runID: summary.runID) {
            #expect(c.scores["accuracy"]?.status == .unscored)
            #expect(c.scores["accuracy"]?.value == nil)
        }
    }

    @Test func llmExtractedProgramIsWhatRunsAndTheLeakIsMeasured() async throws {
        let server = try await Self.server()
        let (store, summary) = try await run(pack: "code", server: server) { model, prompts in
            JudgingOptions(extractor: ArtifactLLMExtractor(model: model, prompts: prompts, mode: .faithful))
        }
        try await server.stop()
        let first = try #require(try store.conversationScores(runID: summary.runID).first { $0.taskID == "cb-code-001" })
        // The agent wrote no code block; the extracted program passes the task's tests.
        #expect(first.scores["pass_rate"]?.value == 1, "\(String(describing: first.scores["pass_rate"]))")
        let leak = try #require(first.scores["sim_leak"]?.value)
        #expect(leak > 0.2)
    }
}

/// The leaderboard reports the judges' agreement and the simulator's faults beside the scores.
@Suite(.timeLimit(.minutes(5)))
struct LeaderboardQualityTests {
    @Test func repeatedJudgementsGiveAlphaAndJudgedSymbolicAgreement() async throws {
        let server = try await JudgingPipelineTests.server()
        let (store, _) = try await JudgingPipelineTests().run(pack: "math", server: server) { model, prompts in
            JudgingOptions(repeats: 2, accuracyJudge: AccuracyJudge(model: model, prompts: prompts), judgedAccuracyIsPrimary: true)
        }
        try await server.stop()
        let row = try #require(try CollabBenchReports.Leaderboard.rows(store: store).first)
        // Both repeats agree everywhere but there is no variation at all: α is undefined (nil), spread 0.
        #expect(row.judgeSpread == 0)
        // The judge says 1, the symbolic check 0 (the agent's \boxed{999} is wrong): they never agree.
        #expect(row.judgedSymbolicAgreement == 0)
        #expect(row.simulatorEarlyStops == 0)
    }
}
