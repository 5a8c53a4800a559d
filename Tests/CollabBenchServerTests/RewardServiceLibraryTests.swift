import CollabBenchCore
import CollabBenchRunner
import CollabBenchServer
import CollabBenchTestSupport
import Foundation
import NIOHTTP1
import Synchronization
import Testing

/// The cl100k rank file the reward library counts tokens with: `COLLABBENCH_TOKENIZER_DIR` or the
/// shared data's, if present.
let rewardServiceTokenizerDirectory: String? = {
    let environment = ProcessInfo.processInfo.environment
    let shared = environment["COLLABBENCH_SHARED_DATA"] ?? (RewardServiceLibraryTests.root as NSString).deletingLastPathComponent + "/shared/data"
    return [environment["COLLABBENCH_TOKENIZER_DIR"], shared + "/tokenizers"].compactMap { $0 }
        .first { FileManager.default.fileExists(atPath: $0 + "/cl100k_base.tiktoken") }
}()

/// The reward service backed by the real reward library, over real sockets, with every model
/// role played by the loopback scripted OpenAI server.
@Suite(
    "Reward service over the reward library", .timeLimit(.minutes(10)),
    .enabled(if: rewardServiceTokenizerDirectory != nil, "needs cl100k_base.tiktoken (shared data or COLLABBENCH_TOKENIZER_DIR)"))
struct RewardServiceLibraryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The scripted roles: the simulated user keeps asking, the policy answers with a boxed 72
    /// (right for cb-math-001), the unit-scale judge gives 0.5. `fault` may replace any reply.
    static func scriptedServer(fault: (@Sendable (Int, RecordedRequest) -> ScriptedResponse?)? = nil) async throws -> LoopbackOpenAIServer {
        let calls = Mutex(0)
        return try await LoopbackOpenAIServer.start { request in
            let n = calls.withLock { $0 += 1; return $0 }
            if let fault, let reply = fault(n, request) { return reply }
            let first = request.messages.first?.content ?? ""
            if first.contains("You are evaluating how well an AI assistant") { return .chat(#"{"thought":"fine","score":0.5}"#) }
            if first.contains("You are playing a person") { return .chat(#"{"thought":"go on","message":"and the area?"}"#) }
            return .chat("The area is \\boxed{72}. Anything else?")
        }
    }

    static func plan(_ server: LoopbackOpenAIServer, concurrency: Int = 4) -> RewardPlan {
        let spec = "openai/scripted@\(server.baseURL)"
        var plan = RewardPlan(policy: spec, user: spec, judge: spec)
        plan.store = FileManager.default.temporaryDirectory.appendingPathComponent("cb-reward-serve-\(UUID()).sqlite").path
        plan.cache = .off
        plan.concurrency = concurrency
        plan.tokenizerDirectory = rewardServiceTokenizerDirectory
        return plan
    }

    static func rewarder(_ plan: RewardPlan) throws -> MultiturnRewarder {
        try MultiturnRewarder(plan: plan, environment: [:], workingDirectory: root)
    }

    static var items: [RewardItem] {
        let pack = root + "/Tasks/math"
        return [
            RewardItem(
                id: "q1", pack: pack, taskID: "cb-math-001", history: [RewardMessage(role: .user, content: "area of a rectangle?")],
                candidates: ["What are its sides?", "It is \\boxed{72}."]),
            RewardItem(
                id: "q2", pack: pack, taskID: "cb-math-002", history: [RewardMessage(role: .user, content: "help with a sum")],
                candidates: ["Which sum do you mean?"]),
        ]
    }

    static func body(_ items: [RewardItem]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return #"{"items":"# + String(decoding: try encoder.encode(items), as: UTF8.self) + "}"
    }

    /// The `results` of a 200 reply, each as `reward --out` writes it.
    static func resultLines(_ reply: FetchedReply) throws -> [String] {
        struct Body: Decodable { var results: [RewardResult] }
        return try JSONDecoder().decode(Body.self, from: Data(reply.body.utf8)).results.map { try $0.jsonLine() }
    }

    func serve<T: Sendable>(_ plan: RewardPlan, settings: RewardServiceSettings? = nil, _ body: @Sendable (URL) async throws -> T) async throws -> T {
        let rewarder = try Self.rewarder(plan)
        let service = RewardService(scorer: rewarder, settings: settings ?? RewardServiceSettings(concurrency: plan.concurrency))
        do {
            let result = try await withServer(RewardRoutes.router(for: service), body)
            await rewarder.close()
            return result
        } catch {
            await rewarder.close()
            throw error
        }
    }

    @Test("the service gives the library's numbers for the same items, byte for byte")
    func sameAsLibrary() async throws {
        let server = try await Self.scriptedServer()
        let library = try Self.rewarder(Self.plan(server))
        let direct = try await library.rewards(for: Self.items).map { try $0.jsonLine() }
        await library.close()
        let reply = try await serve(Self.plan(server)) { base in
            try await fetch(base.appending(path: "v1/reward"), method: .POST, body: try Self.body(Self.items))
        }
        try await server.stop()
        #expect(reply.status == 200)
        let served = try Self.resultLines(reply)
        #expect(served == direct)
        // The numbers are real: three scored samples per candidate, the right answer on cb-math-001.
        let first = try JSONDecoder().decode(RewardResult.self, from: Data(served[0].utf8))
        #expect(first.rewards.count == 2)
        #expect(first.rewards.allSatisfy { $0.used == 3 && $0.samples.allSatisfy { $0.itr == 0.5 && $0.metric == 1 } })
    }

    @Test("a model server failing 30% of calls (500s and 429s): retries give the clean numbers; a call that cannot succeed fails its samples, never the service")
    func flakyModelServer() async throws {
        let clean = try await Self.scriptedServer()
        let library = try Self.rewarder(Self.plan(clean))
        let expected = try await library.rewards(for: Self.items).map { try $0.jsonLine() }
        await library.close()
        try await clean.stop()

        // Calls 1, 4, 7 of every 10 fail (30 %): 500, then 429 with Retry-After, then 500. A retry
        // is a later call, so it gets through. A policy call whose history holds "DOOMED" always
        // gets a 400, which is not retried.
        let flaky = try await Self.scriptedServer { n, request in
            if request.messages.contains(where: { $0.content.contains("DOOMED") }), request.messages.first?.content.contains("You are") != true {
                return .error(400, message: "bad request")
            }
            switch n % 10 {
            case 1, 7: return .error(500, message: "internal")
            case 4: return .error(429, message: "slow down", headers: [("Retry-After", "0")])
            default: return nil
            }
        }
        let items =
            Self.items + [
                RewardItem(
                    id: "doomed", pack: Self.root + "/Tasks/math", taskID: "cb-math-001", history: [RewardMessage(role: .user, content: "hi")],
                    candidates: ["DOOMED reply"])
            ]
        let (reply, health) = try await serve(Self.plan(flaky)) { base in
            let reply = try await fetch(base.appending(path: "v1/reward"), method: .POST, body: try Self.body(items))
            return (reply, try await fetch(base.appending(path: "healthz")))
        }
        let calls = flaky.requests.count
        try await flaky.stop()
        #expect(calls > 10)
        #expect(reply.status == 200)
        #expect(health.status == 200)
        let lines = try Self.resultLines(reply)
        #expect(Array(lines.prefix(2)) == expected)
        let doomed = try JSONDecoder().decode(RewardResult.self, from: Data(lines[2].utf8))
        #expect(doomed.rewards[0].mr == nil)
        #expect(doomed.rewards[0].used == 0)
        #expect(doomed.rewards[0].samples.count == 3)
        #expect(doomed.rewards[0].samples.allSatisfy { $0.failed && $0.failure != nil })
    }

    @Test("a client that disconnects mid-batch leaves the service running; the next request gets the library's numbers")
    func disconnectMidBatch() async throws {
        let gate = RewardTestGate()
        let server = try await LoopbackOpenAIServer.start { request in
            let first = request.messages.first?.content ?? ""
            if first.contains("You are evaluating how well an AI assistant") { return .chat(#"{"thought":"fine","score":0.5}"#) }
            if first.contains("You are playing a person") {
                await gate.pass()  // the first simulated-user call holds the batch until the client is gone
                return .chat(#"{"thought":"go on","message":"and the area?"}"#)
            }
            return .chat("The area is \\boxed{72}. Anything else?")
        }
        let plan = Self.plan(server)
        let (abandoned, next) = try await serve(plan, settings: RewardServiceSettings(concurrency: 4, queue: 64)) { base in
            let client = Task { try await fetch(base.appending(path: "v1/reward"), method: .POST, body: try Self.body(Self.items)) }
            let watcher = Task {
                _ = await client.result
                await gate.endArrivals()
            }
            let arrived = await gate.arrivals.first()
            #expect(arrived == 1, "the batch never reached the simulated user")
            client.cancel()
            let abandoned = await client.result
            await gate.openGate()
            let next = try await fetch(base.appending(path: "v1/reward"), method: .POST, body: try Self.body([Self.items[1]]))
            await watcher.value
            return (abandoned, next)
        }
        let library = try Self.rewarder(Self.plan(server))
        let expected = try await library.rewards(for: [Self.items[1]]).map { try $0.jsonLine() }
        await library.close()
        try await server.stop()
        #expect(throws: (any Error).self) { try abandoned.get() }
        #expect(next.status == 200)
        #expect(try Self.resultLines(next) == expected)
    }

    @Test("a full queue answers 429 with Retry-After while a batch is scored")
    func fullQueueOverLibrary() async throws {
        let gate = RewardTestGate()
        let server = try await LoopbackOpenAIServer.start { request in
            let first = request.messages.first?.content ?? ""
            if first.contains("You are evaluating how well an AI assistant") { return .chat(#"{"thought":"fine","score":0.5}"#) }
            if first.contains("You are playing a person") {
                await gate.pass()
                return .chat(#"{"thought":"go on","message":"and the area?"}"#)
            }
            return .chat("The area is \\boxed{72}. Anything else?")
        }
        let (refused, first) = try await serve(Self.plan(server), settings: RewardServiceSettings(concurrency: 4, queue: 2)) { base in
            let first = Task { try await fetch(base.appending(path: "v1/reward"), method: .POST, body: try Self.body(Self.items)) }
            let watcher = Task {
                _ = await first.result
                await gate.endArrivals()
            }
            let arrived = await gate.arrivals.first()
            #expect(arrived == 1, "the batch never reached the simulated user")
            let refused = try await fetch(base.appending(path: "v1/reward"), method: .POST, body: try Self.body([Self.items[1]]))
            await gate.openGate()
            await watcher.value
            return (refused, try await first.value)
        }
        try await server.stop()
        #expect(refused.status == 429)
        #expect(Int(refused.header("retry-after") ?? "") ?? 0 >= 1)
        #expect(first.status == 200)
    }
}
