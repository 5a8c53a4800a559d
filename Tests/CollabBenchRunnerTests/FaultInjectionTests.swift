import CollabBenchCore
import CollabBenchModels
import CollabBenchPacks
import CollabBenchReports
import CollabBenchRunner
import CollabBenchScoring
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Synchronization
import Testing

/// A server that misbehaves on purpose: 429s with Retry-After, 500s, stalls past the timeout,
/// truncated and malformed bodies, dropped connections. The run must complete with every
/// conversation scored or marked failed, and nothing silently 0.
struct FaultInjectionTests {
    @Test func aRunSurvivesAHostileServer() async throws {
        let counter = Mutex(0)
        let server = try await LoopbackOpenAIServer.start { request in
            let n = counter.withLock { c -> Int in c += 1; return c }
            switch n % 7 {
            case 1: return .error(429, message: "slow down", headers: [("Retry-After", "0.05")])
            case 2: return .error(500, message: "internal")
            case 3: return .chat("late", delay: .milliseconds(800))  // past the 0.3 s timeout
            case 4: return ScriptedResponse(body: #"{"choices":[{"message":{"content":"trunc"#)
            case 5: return ScriptedResponse(body: "", dropConnection: true)
            default: break
            }
            let first = request.messages.first?.content ?? ""
            if first.contains("You are evaluating how well") { return .chat(#"{"thought":"ok","score":2}"#) }
            if first.contains("You are playing a person") { return .chat(#"{"thought":"","message":"help me"}"#) }
            return .chat("Answer: \\boxed{15}")
        }
        let pack = try PackLoader.load(directory: BenchmarkRunnerTests.root + "/Tasks/math")
        let prompts = try PromptLibrary.load()
        let factory = ModelClientFactory(requestTimeoutSeconds: 0.3, retry: RetryPolicy(maxAttempts: 4, baseDelay: 0.01, maxDelay: 0.05), environment: [:])
        let spec = try ModelSpec(parsing: "openai/flaky@\(server.baseURL)")
        let settings = ConversationSettings(maxExchanges: 2, agentSampling: Sampling(temperature: 0.6, topP: 0.9))
        let config = RunConfiguration(
            name: nil, agent: spec, agentPreset: "base", userSimulator: spec, judge: spec, conversation: settings,
            judgeSampling: Sampling(temperature: 0), judgeMaxAttempts: 2, judgeStructuredOutput: true, seed: 42, limit: nil,
            concurrency: 3, metric: pack.manifest.metric, promptHashes: prompts.hashes, packName: pack.manifest.name,
            packVersion: pack.manifest.version, packHash: pack.contentHash)
        let store = try ResultStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("cb-faults-\(UUID()).sqlite").path)
        let runner = BenchmarkRunner(
            pack: pack, configuration: config,
            engine: ConversationEngine(agent: factory.client(for: spec), simulator: factory.client(for: spec), prompts: prompts, settings: settings),
            judge: InteractivityJudge(model: factory.client(for: spec), prompts: prompts, maxAttempts: 2),
            scorer: ConversationScorer(tokenizer: nil, sandbox: CodeSandbox(python: "python3")), store: store, prompts: prompts)
        let summary = try await runner.run()
        try await factory.shutdown()
        try await server.stop()
        #expect(summary.completed + summary.failed == 6)
        let conversations = try store.conversationScores(runID: summary.runID)
        #expect(conversations.count == 6)
        for c in conversations {
            if c.status == "failed" {
                #expect(c.scores.isEmpty)
            } else {
                // Every score is either a value or explicitly not scored.
                for entry in c.scores.values {
                    #expect(entry.status == .scored ? entry.value != nil : entry.value == nil)
                }
                #expect(c.scores["accuracy"]?.value == 0 || c.scores["accuracy"]?.value == 1)
            }
        }
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.run(summary.runID)?.status == "completed")
    }
}
