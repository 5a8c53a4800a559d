import CollabBenchCore
import CollabBenchModels
import CollabBenchReports
import CollabBenchRunner
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Synchronization
import Testing

/// `run --retry-failed` (``RunPlan/retryFailed``): only a run's failed conversations run again,
/// each replacing its failed attempt, so the leaderboard counts every task once.
@Suite(.timeLimit(.minutes(5)))
struct RetryFailedTests {
    /// A server playing every role whose agent answers HTTP 400 (not retried) to its first
    /// `failing` calls, then `\boxed{72}`; counts the agent's calls.
    final class FlakyAgent: Sendable {
        let agentCalls = Mutex(0)
        let failing: Int

        init(failing: Int) { self.failing = failing }

        func start() async throws -> LoopbackOpenAIServer {
            try await LoopbackOpenAIServer.start { request in
                let first = request.messages.first?.content ?? ""
                if first.contains("You are evaluating how well an AI assistant") { return .chat(#"{"thought":"fine","score":3}"#) }
                if request.messages.first?.role == "system", first.contains("You are playing a person") {
                    let done = (request.messages.last?.content ?? "").contains("Assistant:")
                    return .chat(done ? #"{"thought":"ok","message":"thx [[TERMINATE CHAT]]"}"# : #"{"thought":"vague","message":"can u help me"}"#)
                }
                let call = self.agentCalls.withLock { count in
                    count += 1
                    return count
                }
                return call <= self.failing ? .error(400, message: "agent refused this one") : .chat("The answer is \\boxed{72}.")
            }
        }

        var calls: Int { agentCalls.withLock { $0 } }
    }

    /// The built-in math pack's run as `collabbench run` assembles it, one conversation at a time
    /// (so the first conversations are the ones that fail), with no response cache.
    static func session(server: LoopbackOpenAIServer, store: String, retryFailed: Bool) async throws -> RunSession {
        var plan = RunPlan(pack: BenchmarkRunnerTests.root + "/Tasks/math", agent: .model("openai/scripted@\(server.baseURL)"))
        plan.name = "flaky"
        plan.store = store
        plan.concurrency = 1
        plan.judgeAttempts = 2
        plan.cache = .off
        plan.retryFailed = retryFailed
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01), environment: [:])
        return try await RunAssembler(plan: plan, environment: [:], workingDirectory: BenchmarkRunnerTests.root).prepare()
            .open(factory: factory, countingTokens: false)
    }

    static func run(_ session: RunSession) async throws -> RunSummary {
        try await session.runThenClose()
    }

    @Test func retryTurnsFailedConversationsIntoCompletedOnesCountedOnce() async throws {
        let agent = FlakyAgent(failing: 2)
        let server = try await agent.start()
        defer { Task { try? await server.stop() } }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cb-retry-\(UUID()).sqlite").path

        let first = try await Self.run(try await Self.session(server: server, store: path, retryFailed: false))
        #expect(first.failed == 2)
        #expect(first.completed == 4)
        let store = try ResultStore(path: path)
        let run = try #require(try store.run(first.runID))
        #expect(run.status == .completed)
        let failedTasks = try store.conversationScores(runID: run.id).filter { $0.status == .failed }.map(\.taskID).sorted()
        #expect(failedTasks == ["cb-math-001", "cb-math-002"])
        #expect(try Leaderboard.rows(store: store).first?.failed == 2)

        // Without the flag the run is complete: nothing runs again.
        let callsBefore = agent.calls
        let plain = try await Self.session(server: server, store: path, retryFailed: false)
        guard case .alreadyComplete(let same) = plain.resolution else { Issue.record("expected already complete, got \(plain.resolution)"); return }
        #expect(same.id == run.id)
        let nothing = try await Self.run(plain)
        #expect(nothing.conversations == 0)
        #expect(agent.calls == callsBefore)
        #expect(try store.failedConversationCount(runID: run.id) == 2)

        // With it, exactly the two failed conversations run again and replace their failed attempts.
        let retrying = try await Self.session(server: server, store: path, retryFailed: true)
        guard case .retryFailed(let retried, let failed) = retrying.resolution else { Issue.record("expected a retry, got \(retrying.resolution)"); return }
        #expect(retried.id == run.id)
        #expect(failed == 2)
        let second = try await Self.run(retrying)
        #expect(second.runID == run.id)
        #expect(second.retried == 2)
        #expect(second.conversations == 2)
        #expect(second.completed == 2)
        #expect(second.failed == 0)
        #expect(second.alreadyStored == 4)

        let conversations = try store.conversationScores(runID: run.id)
        #expect(conversations.count == 6)
        #expect(Set(conversations.map(\.taskID)).count == 6)
        #expect(conversations.allSatisfy { $0.status == .completed })
        #expect(conversations.filter { $0.scores["accuracy"]?.value == 1 }.map(\.taskID) == ["cb-math-001"])
        let records = try store.retriedConversations(runID: run.id)
        #expect(records.map(\.taskID) == ["cb-math-001", "cb-math-002"])
        #expect(records.allSatisfy { $0.attempt == 1 && $0.status == .failed && ($0.failure ?? "").contains("agent refused this one") })
        let after = try #require(try store.run(run.id))
        #expect(after.status == .completed)
        #expect(after.configHash == run.configHash)
        #expect(after.configJSON == run.configJSON)
        #expect(try store.runs().count == 1)

        let rows = try Leaderboard.rows(store: store)
        #expect(rows.count == 1)
        #expect(rows[0].conversations == 6)
        #expect(rows[0].tasks == 6)
        #expect(rows[0].failed == 0)
        #expect(abs((rows[0].taskMetric ?? 0) - 100.0 / 6) < 1e-9)

        // Nothing failed any more: a further retry has nothing to do.
        let again = try await Self.session(server: server, store: path, retryFailed: true)
        guard case .alreadyComplete = again.resolution else { Issue.record("expected already complete, got \(again.resolution)"); return }
        await again.close()
    }
}
