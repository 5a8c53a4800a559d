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

/// Cost per call and per conversation, stored and summed, and `--budget` stopping new conversations.
@Suite(.timeLimit(.minutes(5)))
struct CostAndBudgetTests {
    /// $1 per prompt token and $2 per completion token: every scripted call (10 + 5 tokens) costs $20.
    static let price = ModelPrice(inputPerMillion: 1_000_000, outputPerMillion: 2_000_000)

    func runner(server: LoopbackOpenAIServer, store: ResultStore, meter: RunMeter, price: ModelPrice?, budget: Double?) throws -> (BenchmarkRunner, ModelClientFactory) {
        let pack = try PackLoader.load(directory: BenchmarkRunnerTests.root + "/Tasks/math")
        let prompts = try PromptLibrary.load()
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01), environment: [:])
        let spec = try ModelSpec(parsing: "openai/scripted@\(server.baseURL)")
        let model = { MeteredChatModel(base: factory.client(for: spec), price: price, meter: meter) }
        let settings = ConversationSettings(maxExchanges: pack.maxExchanges, agentSampling: Sampling(temperature: 0.6, topP: 0.9))
        let config = RunConfiguration(
            name: "cost", agent: spec, agentPreset: "base", userSimulator: spec, judge: spec, conversation: settings,
            judgeSampling: Sampling(temperature: 0), judgeMaxAttempts: 2, judgeStructuredOutput: true, seed: 42, limit: nil,
            concurrency: 1, metric: pack.manifest.metric, promptHashes: prompts.hashes, packName: pack.manifest.name,
            packVersion: pack.manifest.version, packHash: pack.contentHash)
        var runner = BenchmarkRunner(
            pack: pack, configuration: config,
            engine: ConversationEngine(agent: model(), simulator: model(), prompts: prompts, settings: settings),
            judge: InteractivityJudge(model: model(), prompts: prompts, maxAttempts: 2),
            scorer: ConversationScorer(tokenizer: nil, sandbox: CodeSandbox(python: "python3")), store: store, prompts: prompts)
        runner.meter = meter
        runner.budgetUSD = budget
        return (runner, factory)
    }

    static func tempStore() throws -> ResultStore {
        try ResultStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("cb-cost-\(UUID()).sqlite").path)
    }

    @Test func everyCallAndConversationCarriesItsCost() async throws {
        let server = try await BenchmarkRunnerTests.scriptedServer { _ in "\\boxed{72}" }
        let store = try Self.tempStore()
        let meter = RunMeter()
        let (runner, factory) = try runner(server: server, store: store, meter: meter, price: Self.price, budget: nil)
        let summary = try await runner.run()
        try await factory.shutdown()
        try await server.stop()
        #expect(summary.completed == 6)
        var total = 0.0
        for c in try store.conversationScores(runID: summary.runID) {
            let calls = try store.callCosts(conversationID: c.conversationID)
            #expect(calls.count >= 3)
            #expect(calls.allSatisfy { $0 == 20 })
            let stored = try #require(try store.conversationCosts(runID: summary.runID)["\(c.taskID)#0"] ?? nil)
            #expect(stored == 20 * Double(calls.count))
            total += stored
        }
        let cost = try store.runCost(runID: summary.runID)
        #expect(cost.usd == total)
        #expect(cost.unpricedCalls == 0)
        #expect(summary.meter.costUSD == total)
        #expect(summary.meter.calls * 20 == Int(total))
        #expect(summary.meter.inputTokens == summary.meter.calls * 10)
        #expect(summary.meter.outputTokens == summary.meter.calls * 5)
        let row = try #require(try Leaderboard.rows(store: store).first)
        #expect(row.costUSD == total)
        #expect(row.costPerConversationUSD == total / 6)
        let text = LeaderboardRenderer.text(try Leaderboard.build(store: store))
        #expect(text.contains("$ / conv"), "\(text)")
        #expect(text.contains(String(format: "%.4f", total / 6)), "\(text)")
    }

    @Test func unknownPriceIsUnknownNotZero() async throws {
        let server = try await BenchmarkRunnerTests.scriptedServer { _ in "\\boxed{72}" }
        let store = try Self.tempStore()
        let (runner, factory) = try runner(server: server, store: store, meter: RunMeter(), price: nil, budget: nil)
        let summary = try await runner.run()
        try await factory.shutdown()
        try await server.stop()
        let cost = try store.runCost(runID: summary.runID)
        #expect(cost.usd == nil)
        #expect(cost.unpricedCalls == summary.meter.calls)
        #expect(summary.meter.unpricedCalls == summary.meter.calls)
        #expect(summary.meter.costUSD == 0)
    }

    @Test func budgetStopsStartingConversationsAndResumeContinues() async throws {
        let server = try await BenchmarkRunnerTests.scriptedServer { _ in "\\boxed{72}" }
        let store = try Self.tempStore()
        // One conversation costs more than $50: with one in flight, the first reaches the budget.
        let (first, factory) = try runner(server: server, store: store, meter: RunMeter(), price: Self.price, budget: 50)
        let stopped = try await first.run()
        #expect(stopped.completed == 1)
        #expect(stopped.notStartedForBudget == 5)
        let run = try #require(try store.run(stopped.runID))
        #expect(run.status == .partial)
        // The same configuration with a larger budget continues the run.
        let (second, factory2) = try runner(server: server, store: store, meter: RunMeter(), price: Self.price, budget: 10_000)
        let resumed = try await second.run(resuming: run)
        try await factory.shutdown()
        try await factory2.shutdown()
        try await server.stop()
        #expect(resumed.completed == 5)
        #expect(resumed.alreadyStored == 1)
        #expect(resumed.notStartedForBudget == 0)
        #expect(try store.run(stopped.runID)?.status == .completed)
        #expect(try store.runCost(runID: stopped.runID).conversations == 6)
    }

    @Test func aPricedReplyWithoutUsageIsUnknownButCountsTowardsABudget() async throws {
        let meter = RunMeter()
        let model = MeteredChatModel(base: NoUsageModel(reply: String(repeating: "word ", count: 40)), price: Self.price, meter: meter)
        let completion = try await model.complete(ChatRequest(messages: [ChatMessage(role: .user, content: String(repeating: "abcd", count: 25))]))
        #expect(completion.costUSD == nil)
        let snapshot = meter.snapshot()
        #expect(snapshot.costUSD == 0)
        #expect(snapshot.unpricedCalls == 1)
        // About (100/4 + 4) prompt tokens at $1 and (200/4 + 1) completion tokens at $2.
        #expect(snapshot.estimatedUnreportedUSD == 29 + 102)
        #expect(meter.spendForBudgetUSD == 131)
    }

    @Test func cachedRepliesCostNothing() async throws {
        let server = try await BenchmarkRunnerTests.scriptedServer { _ in "\\boxed{72}" }
        let store = try Self.tempStore()
        let meter = RunMeter()
        let factory = ModelClientFactory(environment: [:])
        let spec = try ModelSpec(parsing: "openai/scripted@\(server.baseURL)")
        let model = MeteredChatModel(
            base: CachedChatModel(base: factory.client(for: spec), cache: store, mode: .readWrite), price: Self.price, meter: meter)
        let request = ChatRequest(messages: [ChatMessage(role: .user, content: "hello")], sampling: Sampling(temperature: 0), seed: 1)
        let paid = try await model.complete(request)
        let replayed = try await model.complete(request)
        try await factory.shutdown()
        try await server.stop()
        #expect(paid.costUSD == 20)
        #expect(replayed.costUSD == 0)
        #expect(replayed.fromCache)
        let snapshot = meter.snapshot()
        #expect(snapshot.calls == 2)
        #expect(snapshot.cachedCalls == 1)
        #expect(snapshot.costUSD == 20)
    }
}

/// A model whose server reports no usage (some streaming servers).
struct NoUsageModel: ChatModel {
    var reply: String
    var spec: ModelSpec { ModelSpec(provider: "openai", model: "no-usage") }
    func complete(_ request: ChatRequest) async throws -> ChatCompletion { ChatCompletion(text: reply) }
}
