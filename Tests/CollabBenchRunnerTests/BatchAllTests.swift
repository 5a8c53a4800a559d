import CollabBenchCore
import CollabBenchModels
import CollabBenchRunner
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Synchronization
import Testing

/// `--batch all` against the loopback batch server: every call of the run (agent, simulated user,
/// judges) goes through the batch API, all conversations advance one turn per batch, and the run
/// stores the transcripts and scores of a direct run at half its price.
@Suite(.timeLimit(.minutes(5)))
struct BatchAllTests {
    static let root = BenchmarkRunnerTests.root
    /// Conversations per run.
    static let conversations = 3
    /// Calls per conversation: user, agent, user, agent, user (who ends it), accuracy judge,
    /// interactivity judge.
    static let callsPerConversation = 7

    /// Plays every role for direct calls and batch lines alike (OpenAI or Anthropic shapes, by the
    /// path); every call uses 10 prompt and 5 completion tokens. The user ends the conversation
    /// after two exchanges, and every reply depends on the conversation it answers, so a reply
    /// handed to the wrong call would show in the transcripts.
    static func replies(_ request: RecordedRequest) -> ScriptedResponse {
        replies(request, exchanges: { _ in 2 })
    }

    /// ``replies(_:)`` whose user ends the conversation after `exchanges(problem)` exchanges,
    /// `problem` being the number the user asks about.
    static func replies(_ request: RecordedRequest, exchanges wanted: (Int) -> Int) -> ScriptedResponse {
        let anthropic = request.path.hasSuffix("/messages")
        func say(_ text: String) -> ScriptedResponse {
            anthropic ? .anthropic(text, inputTokens: 10, outputTokens: 5) : .chat(text, promptTokens: 10, completionTokens: 5)
        }
        let messages = request.messages
        // Anthropic's requests carry the system prompt beside the messages.
        let system: String? =
            switch request.json?["system"] {
            case let text as String: text
            case let blocks as [[String: Any]]: blocks.compactMap { $0["text"] as? String }.joined()
            default: nil
            }
        let first = (system.map { $0 + "\n" } ?? "") + (messages.first?.content ?? "")
        let last = messages.last?.content ?? ""
        if first.contains("You are evaluating how well") {
            return say(#"{"thought":"fine","score":\#(first.utf8.count % 3 + 1)}"#)
        }
        if first.contains("You are grading the answer") {
            return say(#"{"thought":"ok","accuracy":\#(first.contains("72") ? 1 : 0)}"#)
        }
        if first.contains("You are playing a person") {
            let exchanges = last.components(separatedBy: "Assistant: ").count - 1
            let problem = first.utf8.count % 97
            let message = exchanges >= wanted(problem) ? "thx [[TERMINATE CHAT]]" : "help me with problem \(problem), step \(exchanges)"
            return say(#"{"thought":"ok","message":"\#(message)"}"#)
        }
        // The agent quotes the user's last words (letters, digits and spaces).
        let quoted = String(last.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == " " }.prefix(60))
        return say("On '\(quoted)' after \(messages.count) messages: \\boxed{72}.")
    }

    /// Three math tasks under the paper's protocol, every role on `server` (the simulated user on
    /// its Anthropic side when asked), one conversation at a time when calls are direct.
    func run(
        agentBase: String, anthropicBase: String? = nil, batch: BatchMode, db: String, cache: CacheMode = .readWrite
    ) async throws -> RunSummary {
        var plan = RunPlan(pack: Self.root + "/Tasks/math", agent: .model("openai/scripted@\(agentBase)"))
        plan.name = "all-batched"
        plan.store = db
        plan.limit = Self.conversations
        plan.concurrency = 1
        plan.judgeAttempts = 2
        plan.protocolPreset = .collabllm
        plan.pricingFile = try BatchJudgingTests.pricingFile()
        plan.batch = batch
        plan.cache = cache
        if let anthropicBase { plan.user = "anthropic/claude-scripted@\(anthropicBase)" }
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01), environment: [:])
        let session = try await RunAssembler(plan: plan, environment: [:], workingDirectory: Self.root).prepare()
            .open(factory: factory, countingTokens: false)
        return try await session.runThenClose()
    }

    /// Every stored message of every conversation, by task: what batching must not change.
    static func transcripts(_ store: ResultStore, _ runID: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for conversation in try store.conversations(runID: runID) {
            result[conversation.taskID] = try store.messages(conversationID: conversation.id).map {
                "\($0.role)|\($0.text)|\($0.rawReply)|\($0.formatError)"
            }
        }
        return result
    }

    /// A run with every call batched and the same run with direct calls: the same transcripts,
    /// scores and judge calls; each round of calls in one batch per model, every batch holding a
    /// line per conversation; no direct call; half the cost.
    @Test(arguments: [false, true])
    func everyCallBatchedGivesTheDirectRunAtHalfItsPrice(anthropicUser: Bool) async throws {
        let server = try await LoopbackBatchServer.start(replies: Self.replies)
        let directDB = BatchJudgingTests.tempPath("all-direct")
        let batchedDB = BatchJudgingTests.tempPath("all-batched")
        let anthropicBase = anthropicUser ? server.anthropicBaseURL : nil
        let a = try await run(agentBase: server.baseURL, anthropicBase: anthropicBase, batch: .off, db: directDB)
        let directCalls = server.directRequests.count
        #expect(server.batchesCreated == 0)
        let b = try await run(agentBase: server.baseURL, anthropicBase: anthropicBase, batch: .all, db: batchedDB)
        try await server.stop()

        #expect(a.completed == Self.conversations && b.completed == Self.conversations)
        let calls = Self.conversations * Self.callsPerConversation
        #expect(directCalls == calls)
        // Nothing went directly in the batched run: every call was a batch line.
        #expect(server.directRequests.count == directCalls)
        #expect(server.batchedRequests.count == calls)
        // One batch per round (each round's calls go to one model here), a line per conversation.
        let batchedStore = try ResultStore(path: batchedDB, mode: .readOnly)
        let stored = try batchedStore.batches()
        #expect(server.batchesCreated == Self.callsPerConversation)
        #expect(b.batches == BatchStatistics(submitted: Self.callsPerConversation, reattached: 0, answered: calls, direct: 0))
        #expect(stored.count == Self.callsPerConversation)
        #expect(stored.allSatisfy { $0.requestCount == Self.conversations && $0.state == "completed" }, "\(stored)")
        // The user's three turns and, the judge being the user's model by default, both judgements.
        let anthropicBatches = stored.filter { $0.model.contains("claude-scripted") }.count
        #expect(anthropicBatches == (anthropicUser ? 5 : 0))
        #expect(stored.filter { $0.provider == "anthropic" }.count == anthropicBatches)

        let directStore = try ResultStore(path: directDB, mode: .readOnly)
        let transcripts = try Self.transcripts(directStore, a.runID)
        #expect(transcripts.count == Self.conversations)
        #expect(transcripts.values.allSatisfy { $0.count == 5 }, "two exchanges and the closing message: \(transcripts)")
        #expect(Set(transcripts.values).count == Self.conversations, "the conversations differ")
        #expect(try Self.transcripts(batchedStore, b.runID) == transcripts)
        let scores = try BatchJudgingTests.scores(directStore, a.runID)
        #expect(try BatchJudgingTests.scores(batchedStore, b.runID) == scores)
        #expect(
            BatchJudgingTests.withoutCost(try batchedStore.judgeCalls(runID: b.runID))
                == BatchJudgingTests.withoutCost(try directStore.judgeCalls(runID: a.runID)))

        // $20 a direct call, $10 a batched one.
        let costA = try #require(try directStore.runCost(runID: a.runID).usd)
        let costB = try #require(try batchedStore.runCost(runID: b.runID).usd)
        #expect(costA == Double(calls) * 20)
        #expect(costB == Double(calls) * 10)
        #expect(a.meter.costUSD == costA && b.meter.costUSD == costB)
    }

    /// Conversations of different lengths: the one that ends first is judged while the others go
    /// on, its judge calls riding in the batches of their turns, so the run takes as many batches
    /// as its longest conversation has calls; a reply never reaches the wrong call.
    @Test func aConversationThatEndsEarlyIsJudgedInTheOthersBatches() async throws {
        // The first conversation's user (the shortest problem number) is done after one exchange.
        let problems = Mutex<[Int]>([])
        let server = try await LoopbackBatchServer.start { request in
            Self.replies(request) { problem in
                let first = problems.withLock { seen in
                    if !seen.contains(problem) { seen.append(problem) }
                    return seen.first
                }
                return problem == first ? 1 : 2
            }
        }
        let directDB = BatchJudgingTests.tempPath("uneven-direct")
        let batchedDB = BatchJudgingTests.tempPath("uneven-batched")
        let a = try await run(agentBase: server.baseURL, batch: .off, db: directDB)
        let directCalls = server.directRequests.count
        let b = try await run(agentBase: server.baseURL, batch: .all, db: batchedDB)
        try await server.stop()

        #expect(a.completed == Self.conversations && b.completed == Self.conversations)
        let directStore = try ResultStore(path: directDB, mode: .readOnly)
        let batchedStore = try ResultStore(path: batchedDB, mode: .readOnly)
        let transcripts = try Self.transcripts(directStore, a.runID)
        #expect(transcripts.values.map(\.count).sorted() == [3, 5, 5], "one exchange for one conversation, two for the others")
        // 5 calls for the short conversation, 7 for each long one.
        #expect(directCalls == 5 + 7 + 7)
        #expect(try Self.transcripts(batchedStore, b.runID) == transcripts)
        #expect(try BatchJudgingTests.scores(batchedStore, b.runID) == BatchJudgingTests.scores(directStore, a.runID))
        let stored = try batchedStore.batches()
        #expect(b.batches == BatchStatistics(submitted: 7, reattached: 0, answered: directCalls, direct: 0))
        // Rounds 4 and 5 carry the short conversation's judgements beside the others' turns.
        #expect(stored.map(\.requestCount) == [3, 3, 3, 3, 3, 2, 2], "\(stored)")
        #expect(try batchedStore.runCost(runID: b.runID).usd == Double(directCalls) * 10)
    }

    /// A run interrupted (cancelled, as by Ctrl-C) while the agents' turn is in a pending batch,
    /// without a response cache: the same run again re-attaches to both stored batches (the
    /// users' first turn, already answered, and the agents' turn), so its conversations are
    /// those of a direct run and nothing is paid twice.
    @Test func anInterruptedRunReattachesToItsBatchesWithoutTheCache() async throws {
        let server = try await LoopbackBatchServer.start(replies: Self.replies)
        let directDB = BatchJudgingTests.tempPath("reattach-direct")
        let db = BatchJudgingTests.tempPath("reattach-all")
        let direct = try await run(agentBase: server.baseURL, batch: .off, db: directDB, cache: .off)
        // The users' first turn ends; the agents' replies stay pending.
        server.hold(from: 1)
        let interrupted = Task { try await run(agentBase: server.baseURL, batch: .all, db: db, cache: .off) }
        // The second batch is stored before it is polled, and the first ended at its first poll:
        // a second poll means the run waits for the second batch. (No deadline of its own: the
        // suite's time limit ends a wait that never ends.)
        await server.waitForPolls(2)
        let stored = try ResultStore(path: db, mode: .readOnly).batches()
        interrupted.cancel()
        await #expect(throws: CancellationError.self) { try await interrupted.value }
        #expect(stored.map(\.state) == ["completed", "in_progress"])
        #expect(server.batchesCreated == 2)

        server.release()
        let resumed = try await run(agentBase: server.baseURL, batch: .all, db: db, cache: .off)
        try await server.stop()
        let calls = Self.conversations * Self.callsPerConversation
        #expect(resumed.completed == Self.conversations)
        #expect(resumed.batches == BatchStatistics(submitted: 5, reattached: 2, answered: calls, direct: 0))
        #expect(server.batchesCreated == Self.callsPerConversation)
        #expect(server.directRequests.count == calls, "only the direct run's calls went directly")
        let store = try ResultStore(path: db, mode: .readOnly)
        let directStore = try ResultStore(path: directDB, mode: .readOnly)
        #expect(try Self.transcripts(store, resumed.runID) == Self.transcripts(directStore, direct.runID))
        #expect(try BatchJudgingTests.scores(store, resumed.runID) == BatchJudgingTests.scores(directStore, direct.runID))
        #expect(try store.batches().map(\.state) == Array(repeating: "completed", count: Self.callsPerConversation))
    }

    /// A model server without a batch API (404 on `/v1/files` and `/v1/batches`): the first
    /// batch fails, every call of that model goes directly from then on, and the run is the
    /// direct run at the list price.
    @Test func aServerWithoutABatchAPIFallsBackToDirectCalls() async throws {
        let batchAttempts = Mutex(0)
        let server = try await LoopbackOpenAIServer.start { request in
            if request.path.contains("/files") || request.path.contains("/batches") {
                batchAttempts.withLock { $0 += 1 }
                return .error(404, message: "Not Found")
            }
            return Self.replies(request)
        }
        let directDB = BatchJudgingTests.tempPath("nobatch-direct")
        let batchedDB = BatchJudgingTests.tempPath("nobatch-all")
        let a = try await run(agentBase: server.baseURL, batch: .off, db: directDB)
        let b = try await run(agentBase: server.baseURL, batch: .all, db: batchedDB)
        try await server.stop()

        let calls = Self.conversations * Self.callsPerConversation
        #expect(a.completed == Self.conversations && b.completed == Self.conversations)
        // One upload was refused; nothing else was tried.
        #expect(batchAttempts.withLock { $0 } == 1)
        #expect(b.batches == BatchStatistics(submitted: 0, reattached: 0, answered: 0, direct: calls))
        let directStore = try ResultStore(path: directDB, mode: .readOnly)
        let batchedStore = try ResultStore(path: batchedDB, mode: .readOnly)
        #expect(try batchedStore.batches().isEmpty)
        #expect(try Self.transcripts(batchedStore, b.runID) == Self.transcripts(directStore, a.runID))
        #expect(try BatchJudgingTests.scores(batchedStore, b.runID) == BatchJudgingTests.scores(directStore, a.runID))
        #expect(try batchedStore.runCost(runID: b.runID).usd == Double(calls) * 20)
    }

    /// How many conversations run at once: `--batch all` starts them together (up to a batch's
    /// lines or `--concurrency`); an agent program, a budget and the other modes keep `--concurrency`.
    @Test func conversationsAtOnce() {
        func atOnce(_ mode: BatchMode, _ concurrency: Int, program: Bool = false, budget: Bool = false) -> Int {
            BenchmarkRunner.conversationsAtOnce(
                mode: mode, concurrency: concurrency, maxBatchRequests: 1_000, agentProgram: program, budget: budget)
        }
        #expect(atOnce(.all, 4) == 1_000)
        #expect(atOnce(.all, 2_000) == 2_000)
        #expect(atOnce(.all, 4, program: true) == 4)
        #expect(atOnce(.all, 4, budget: true) == 4)
        #expect(atOnce(.judges, 4) == 4)
        #expect(atOnce(.off, 4) == 4)
    }
}
