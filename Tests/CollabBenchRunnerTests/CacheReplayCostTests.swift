import CollabBenchCore
import CollabBenchModels
import CollabBenchPacks
import CollabBenchRunner
import CollabBenchScoring
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// Replies replayed from the cache have the cost a fresh call would have had when that is unknown:
/// an unpriced call is unpriced whether it came from the cache or not (issue 16, kill -9 and resume).
@Suite(.timeLimit(.minutes(5)))
struct CacheReplayCostTests {
    static let price = ModelPrice(inputPerMillion: 1_000_000, outputPerMillion: 2_000_000)

    /// A run of the math pack whose models go through the response cache in `cache`.
    func run(server: LoopbackOpenAIServer, store: ResultStore, cache: ResultStore, mode: CacheMode, price: ModelPrice?) async throws -> RunSummary {
        let pack = try PackLoader.load(directory: BenchmarkRunnerTests.root + "/Tasks/math")
        let prompts = try PromptLibrary.load()
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01), environment: [:])
        let spec = try ModelSpec(parsing: "openai/scripted@\(server.baseURL)")
        let meter = RunMeter()
        let model = { MeteredChatModel(base: CachedChatModel(base: factory.client(for: spec), cache: cache, mode: mode), price: price, meter: meter) }
        let settings = ConversationSettings(maxExchanges: pack.maxExchanges, agentSampling: Sampling(temperature: 0.6, topP: 0.9))
        let config = RunConfiguration(
            name: "replay", agent: spec, agentPreset: "base", userSimulator: spec, judge: spec, conversation: settings,
            judgeSampling: Sampling(temperature: 0), judgeMaxAttempts: 2, judgeStructuredOutput: true, seed: 42, limit: 2,
            concurrency: 1, metric: pack.manifest.metric, promptHashes: prompts.hashes, packName: pack.manifest.name,
            packVersion: pack.manifest.version, packHash: pack.contentHash)
        var runner = BenchmarkRunner(
            pack: pack, configuration: config,
            engine: ConversationEngine(agent: model(), simulator: model(), prompts: prompts, settings: settings),
            judge: InteractivityJudge(model: model(), prompts: prompts, maxAttempts: 2),
            scorer: ConversationScorer(tokenizer: nil, sandbox: CodeSandbox(python: "python3")), store: store, prompts: prompts)
        runner.meter = meter
        let summary = try await runner.run()
        try await factory.shutdown()
        return summary
    }

    static func tempStore() throws -> ResultStore {
        try ResultStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("cb-replay-\(UUID()).sqlite").path)
    }

    @Test func aReplayedConversationOfAnUnpricedModelStoresUnknownCost() async throws {
        let server = try await BenchmarkRunnerTests.scriptedServer { _ in "\\boxed{72}" }
        let first = try Self.tempStore()
        let original = try await run(server: server, store: first, cache: first, mode: .readWrite, price: nil)
        let calls = server.requests.count
        // The same run again, every reply from the first run's cache, into a fresh store.
        let second = try Self.tempStore()
        let replay = try await run(server: server, store: second, cache: first, mode: .readOnly, price: nil)
        try await server.stop()
        #expect(server.requests.count == calls, "the replay called the server")
        let a = try first.runCost(runID: original.runID)
        let b = try second.runCost(runID: replay.runID)
        #expect(a.usd == nil && b.usd == nil)
        #expect(a.unpricedCalls > 0)
        #expect(b.unpricedCalls == a.unpricedCalls)
        #expect(b.conversations == a.conversations)
        for conversation in try second.conversationScores(runID: replay.runID) {
            #expect(try second.callCosts(conversationID: conversation.conversationID).allSatisfy { $0 == nil })
        }
    }

    @Test func aCachedReplyCostsZeroOnlyWhenItsCostIsKnown() async throws {
        let server = try await BenchmarkRunnerTests.scriptedServer { _ in "\\boxed{72}" }
        let store = try Self.tempStore()
        let factory = ModelClientFactory(environment: [:])
        let spec = try ModelSpec(parsing: "openai/scripted@\(server.baseURL)")
        let request = ChatRequest(messages: [ChatMessage(role: .user, content: "hello")], sampling: Sampling(temperature: 0), seed: 1)
        let cached = CachedChatModel(base: factory.client(for: spec), cache: store, mode: .readWrite)
        let unpriced = MeteredChatModel(base: cached, price: nil, meter: RunMeter())
        let first = try await unpriced.complete(request)
        let again = try await unpriced.complete(request)
        let priced = try await MeteredChatModel(base: cached, price: Self.price, meter: RunMeter()).complete(request)
        let noUsage = try await MeteredChatModel(base: CachedReply(), price: Self.price, meter: RunMeter()).complete(request)
        try await factory.shutdown()
        try await server.stop()
        #expect(first.costUSD == nil && !first.fromCache)
        #expect(again.fromCache && again.costUSD == nil)
        #expect(priced.fromCache && priced.costUSD == 0)
        #expect(noUsage.costUSD == nil)
    }
}

/// A cache hit whose reply carried no usage.
struct CachedReply: ChatModel {
    var spec: ModelSpec { ModelSpec(provider: "openai", model: "cached") }
    func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        var completion = ChatCompletion(text: "ok")
        completion.fromCache = true
        return completion
    }
}
