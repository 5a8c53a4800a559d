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
@Suite(.timeLimit(.minutes(5)))
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
        // Assembled as `collabbench run` assembles it, with a short timeout and quick retries.
        var plan = RunPlan(pack: BenchmarkRunnerTests.root + "/Tasks/math", agent: .model("openai/flaky@\(server.baseURL)"))
        plan.maxExchanges = 2
        plan.concurrency = 3
        plan.judgeAttempts = 2
        plan.cache = .off
        plan.store = FileManager.default.temporaryDirectory.appendingPathComponent("cb-faults-\(UUID()).sqlite").path
        let factory = ModelClientFactory(requestTimeoutSeconds: 0.3, retry: RetryPolicy(maxAttempts: 4, baseDelay: 0.01, maxDelay: 0.05), environment: [:])
        // The loopback server answers the pre-flight `GET /models` itself, outside the fault script.
        let session = try await RunAssembler(plan: plan, environment: [:], workingDirectory: BenchmarkRunnerTests.root).prepare()
            .open(factory: factory, countingTokens: false)
        let store = session.store
        let summary = try await session.run()
        await session.close()
        try await server.stop()
        #expect(summary.completed + summary.failed == 6)
        let conversations = try store.conversationScores(runID: summary.runID)
        #expect(conversations.count == 6)
        for c in conversations {
            if c.status == .failed {
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
        #expect(try store.run(summary.runID)?.status == .completed)
    }
}
