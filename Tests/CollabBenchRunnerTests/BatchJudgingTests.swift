import CollabBenchCore
import CollabBenchModels
import CollabBenchRunner
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// `--batch judges` against the loopback batch server: the same scores and judge calls as direct
/// calls, at half the judges' price, and direct calls for exactly what a batch did not answer.
@Suite(.timeLimit(.minutes(5)))
struct BatchJudgingTests {
    static let root = BenchmarkRunnerTests.root

    /// Plays the simulated user, the agent, the interactivity judge and the accuracy judge, for
    /// direct calls and batch lines alike (OpenAI or Anthropic shapes, by the path). Every call
    /// uses 10 prompt and 5 completion tokens. The interactivity score depends on the
    /// conversation judged, so a reply handed to the wrong call would show.
    static func replies(_ request: RecordedRequest) -> ScriptedResponse {
        let anthropic = request.path.hasSuffix("/messages")
        func say(_ text: String) -> ScriptedResponse {
            anthropic ? .anthropic(text, inputTokens: 10, outputTokens: 5) : .chat(text, promptTokens: 10, completionTokens: 5)
        }
        let messages = request.messages
        let first = messages.first?.content ?? ""
        if first.contains("You are evaluating how well") {
            return say(#"{"thought":"fine","score":\#(first.utf8.count % 3 + 1)}"#)
        }
        if first.contains("Below is a conversation in which an AI assistant wrote a document") {
            return say(#"{"thought":"ok","final_artifact":"Document number \#(first.utf8.count % 50)."}"#)
        }
        if first.contains("You are grading the answer") {
            return say(#"{"thought":"ok","accuracy":\#(first.contains("72") ? 1 : 0)}"#)
        }
        if first.contains("You are playing a person") {
            let done = (messages.last?.content ?? "").contains("Assistant:")
            // Which problem this user has, so each conversation's transcript differs.
            let message = done ? "thx [[TERMINATE CHAT]]" : "help me with problem \(first.utf8.count % 97)"
            return say(#"{"thought":"ok","message":"\#(message)"}"#)
        }
        return say("The answer is \\boxed{72}.")
    }

    /// $1 per prompt token and $2 per completion token: a direct call costs $20, a batched one $10.
    static func pricingFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cb-batch-prices-\(UUID()).yaml").path
        try "models:\n  scripted: {input: 1000000, output: 2000000}\n  claude-scripted: {input: 1000000, output: 2000000}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func tempPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cb-batch-\(name)-\(UUID()).sqlite").path
    }

    /// Four math tasks under the paper's protocol (an accuracy judge and an interactivity judge per
    /// conversation), every role on `server` (the judge on its Anthropic side when asked).
    func run(_ server: LoopbackBatchServer, batch: BatchMode, anthropicJudge: Bool = false, db: String) async throws -> RunSummary {
        var plan = RunPlan(pack: Self.root + "/Tasks/math", agent: .model("openai/scripted@\(server.baseURL)"))
        plan.name = "batched"
        plan.store = db
        plan.limit = 4
        plan.concurrency = 2
        plan.judgeAttempts = 2
        plan.protocolPreset = .collabllm
        plan.pricingFile = try Self.pricingFile()
        plan.batch = batch
        if anthropicJudge { plan.judges = ["anthropic/claude-scripted@\(server.anthropicBaseURL)"] }
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01), environment: [:])
        let session = try await RunAssembler(plan: plan, environment: [:], workingDirectory: Self.root).prepare()
            .open(factory: factory, countingTokens: false)
        return try await session.runThenClose()
    }

    static func isJudgeCall(_ request: RecordedRequest) -> Bool {
        let first = request.messages.first?.content ?? ""
        return first.contains("You are evaluating how well") || first.contains("You are grading the answer")
    }

    /// The scores of every conversation, by task.
    static func scores(_ store: ResultStore, _ runID: String) throws -> [String: [String: ScoreEntry]] {
        Dictionary(uniqueKeysWithValues: try store.conversationScores(runID: runID).map { ($0.taskID, $0.scores) })
    }

    /// A judge call without its cost (what must not change with batching).
    static func withoutCost(_ calls: [StoredJudgeCall]) -> [StoredJudgeCall] {
        calls.map {
            var call = $0
            call.costUSD = nil
            return call
        }
    }

    /// A batched run and a direct run of the same plan: equal scores and judge calls, and each
    /// judge call at half the direct price.
    func compareWithDirect(anthropicJudge: Bool) async throws {
        // One server for both runs, so both stores name the same models.
        let server = try await LoopbackBatchServer.start(replies: Self.replies)
        let directDB = Self.tempPath("direct")
        let batchedDB = Self.tempPath("batched")
        let a = try await run(server, batch: .off, anthropicJudge: anthropicJudge, db: directDB)
        #expect(server.batchesCreated == 0)
        let before = server.directRequests.count
        let b = try await run(server, batch: .judges, anthropicJudge: anthropicJudge, db: batchedDB)
        try await server.stop()
        #expect(a.completed == 4 && b.completed == 4)
        let batchedStore = try ResultStore(path: batchedDB, mode: .readOnly)
        let stored = try batchedStore.batches()
        // Two rounds: the accuracy judgements, then the interactivity judgements.
        #expect(server.batchesCreated == 2)
        #expect(b.batches == BatchStatistics(submitted: 2, reattached: 0, answered: 8, direct: 0), "\(stored)")
        #expect(!server.directRequests.dropFirst(before).contains(where: Self.isJudgeCall))
        #expect(server.batchedRequests.count == 8 && server.batchedRequests.allSatisfy(Self.isJudgeCall))

        let directStore = try ResultStore(path: directDB, mode: .readOnly)
        let scoresA = try Self.scores(directStore, a.runID)
        #expect(scoresA.count == 4)
        #expect(Set(scoresA.values.compactMap { $0["itr"]?.value }).count > 1, "the scores differ by conversation: \(scoresA)")
        #expect(try Self.scores(batchedStore, b.runID) == scoresA)
        let callsA = try directStore.judgeCalls(runID: a.runID)
        let callsB = try batchedStore.judgeCalls(runID: b.runID)
        #expect(callsA.count == 8)
        #expect(Self.withoutCost(callsB) == Self.withoutCost(callsA))
        #expect(callsA.allSatisfy { $0.costUSD == 20 })
        #expect(callsB.allSatisfy { $0.costUSD == 10 })
        // The conversations' own calls are direct in both: the run costs 8 × $10 less.
        let costA = try #require(try directStore.runCost(runID: a.runID).usd)
        let costB = try #require(try batchedStore.runCost(runID: b.runID).usd)
        #expect(costA - costB == 80)
        #expect(a.meter.costUSD - b.meter.costUSD == 80)
        #expect(stored.count == 2 && stored.allSatisfy { $0.state == "completed" && $0.requestCount == 4 && $0.finishedAt != nil })
        #expect(stored.allSatisfy { $0.provider == (anthropicJudge ? "anthropic" : "openai") })
        #expect(try stored.flatMap { try batchedStore.batchRequests(batchID: $0.id) }.allSatisfy { $0.state == "answered" })
    }

    @Test func openAIBatchedJudgesScoreAsDirectCallsAtHalfTheirPrice() async throws {
        try await compareWithDirect(anthropicJudge: false)
    }

    @Test func anthropicBatchedJudgesScoreAsDirectCallsAtHalfTheirPrice() async throws {
        try await compareWithDirect(anthropicJudge: true)
    }

    /// An expired batch keeps what it answered; its unanswered lines and the lines that errored are
    /// called directly, and only those.
    @Test(arguments: [false, true])
    func expiredAndErroredLinesFallBackToDirectCalls(anthropicJudge: Bool) async throws {
        let server = try await LoopbackBatchServer.start(
            batchFate: { $0 == 0 ? .complete : .expire },
            lineFate: { request in
                let first = request.messages.first?.content ?? ""
                if first.contains("You are grading the answer") { return first.utf8.count % 2 == 0 ? .unanswered : .answer }
                return first.utf8.count % 3 == 0 ? .error(status: 500, message: "line failed") : .answer
            },
            replies: Self.replies)
        let db = Self.tempPath("expired")
        let directDB = Self.tempPath("direct")
        let direct = try await run(server, batch: .off, anthropicJudge: anthropicJudge, db: directDB)
        let before = server.directRequests.count
        let summary = try await run(server, batch: .judges, anthropicJudge: anthropicJudge, db: db)
        try await server.stop()

        let missed = server.lineFates.filter { $0.fate != .answer }.map(\.request)
        #expect(server.lineFates.count == 8)
        #expect(!missed.isEmpty && missed.count < 8, "the fates pick some lines: \(server.lineFates.map(\.fate))")
        func calls(_ requests: [RecordedRequest]) -> [String] {
            requests.map { ($0.messages.first?.content ?? "") + "|seed=\($0.json?["seed"].map { "\($0)" } ?? "-")" }.sorted()
        }
        #expect(calls(server.directRequests.dropFirst(before).filter(Self.isJudgeCall)) == calls(missed))
        #expect(summary.batches.answered == 8 - missed.count && summary.batches.direct == missed.count)
        let store = try ResultStore(path: db, mode: .readOnly)
        let directStore = try ResultStore(path: directDB, mode: .readOnly)
        #expect(try Self.scores(store, summary.runID) == Self.scores(directStore, direct.runID))
        let judged = try store.judgeCalls(runID: summary.runID)
        #expect(Self.withoutCost(judged) == Self.withoutCost(try directStore.judgeCalls(runID: direct.runID)))
        // Direct calls at the list price, batched ones at half.
        #expect(judged.filter { $0.costUSD == 20 }.count == missed.count)
        #expect(judged.filter { $0.costUSD == 10 }.count == 8 - missed.count)
        let lines = try store.batches().flatMap { try store.batchRequests(batchID: $0.id) }
        #expect(lines.filter { $0.state == "direct" }.count == missed.count)
        #expect(lines.filter { $0.state == "answered" }.count == 8 - missed.count)
    }

    /// A batch the provider gave up on: all its calls are made directly.
    @Test func failedBatchFallsBackToDirectCalls() async throws {
        let server = try await LoopbackBatchServer.start(
            batchFate: { $0 == 0 ? .fail("validation failed") : .complete }, replies: Self.replies)
        let db = Self.tempPath("failed")
        let summary = try await run(server, batch: .judges, db: db)
        try await server.stop()
        #expect(summary.completed == 4)
        #expect(summary.batches == BatchStatistics(submitted: 2, reattached: 0, answered: 4, direct: 4))
        #expect(server.directRequests.filter(Self.isJudgeCall).count == 4)
        let store = try ResultStore(path: db, mode: .readOnly)
        let stored = try store.batches()
        #expect(stored.map(\.state) == ["failed", "completed"])
        #expect(stored.first?.detail == "validation failed")
        #expect(
            try store.judgeCalls(runID: summary.runID).map(\.costUSD).sorted { ($0 ?? 0) < ($1 ?? 0) } == [10, 10, 10, 10, 20, 20, 20, 20])
    }

    /// The LLM extractor's calls go in batches too, and the documents' scores are those of direct calls.
    @Test func extractorCallsAreBatchedToo() async throws {
        let server = try await LoopbackBatchServer.start(replies: Self.replies)
        func docs(_ batch: BatchMode, db: String) async throws -> RunSummary {
            var plan = RunPlan(pack: Self.root + "/Tasks/docs", agent: .model("openai/scripted@\(server.baseURL)"))
            plan.name = "docs"
            plan.store = db
            plan.limit = 2
            plan.concurrency = 2
            plan.judgeAttempts = 2
            plan.extractor = .llm
            plan.batch = batch
            let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01), environment: [:])
            let session = try await RunAssembler(plan: plan, environment: [:], workingDirectory: Self.root).prepare()
                .open(factory: factory, countingTokens: false)
            return try await session.runThenClose()
        }
        let directDB = Self.tempPath("docs-direct")
        let batchedDB = Self.tempPath("docs-batched")
        let a = try await docs(.off, db: directDB)
        let b = try await docs(.judges, db: batchedDB)
        try await server.stop()
        #expect(a.completed == 2 && b.completed == 2)
        // Two rounds: the extractions, then the interactivity judgements.
        #expect(b.batches == BatchStatistics(submitted: 2, reattached: 0, answered: 4, direct: 0))
        let extractions = server.batchedRequests.filter { ($0.messages.first?.content ?? "").contains("wrote a document") }
        #expect(extractions.count == 2)
        let direct = try ResultStore(path: directDB, mode: .readOnly)
        let batched = try ResultStore(path: batchedDB, mode: .readOnly)
        let scores = try Self.scores(direct, a.runID)
        #expect(scores.values.allSatisfy { $0["bleu"]?.status == .scored })
        #expect(try Self.scores(batched, b.runID) == scores)
        #expect(Self.withoutCost(try batched.judgeCalls(runID: b.runID)) == Self.withoutCost(try direct.judgeCalls(runID: a.runID)))
    }
}
