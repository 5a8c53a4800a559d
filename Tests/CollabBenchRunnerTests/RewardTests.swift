import CollabBenchCore
import CollabBenchMetrics
import CollabBenchPacks
import CollabBenchRunner
import CollabBenchScoring
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// The cl100k rank file of the shared data (or `COLLABBENCH_TOKENIZER_DIR`), if present.
let rewardTokenizerDirectory: String? = {
    let environment = ProcessInfo.processInfo.environment
    let shared = environment["COLLABBENCH_SHARED_DATA"] ?? (BenchmarkRunnerTests.root as NSString).deletingLastPathComponent + "/shared/data"
    return [environment["COLLABBENCH_TOKENIZER_DIR"], shared + "/tokenizers"].compactMap { $0 }
        .first { FileManager.default.fileExists(atPath: $0 + "/cl100k_base.tiktoken") }
}()

/// The multiturn-aware reward on scripted replies: the numbers are the formula computed by hand.
@Suite(.timeLimit(.minutes(5)), .enabled(if: rewardTokenizerDirectory != nil, "needs cl100k_base.tiktoken (shared data or COLLABBENCH_TOKENIZER_DIR)"))
struct RewardTests {
    static let agentReply = "The area is \\boxed{72}."

    /// Simulated user: says the constraints until the assistant's last message holds \boxed{72},
    /// then ends the chat. Policy: always the right answer, except that it fails (HTTP 404) when
    /// asked to continue a chat holding "please fail". Judge: `judgeReply`.
    static func server(judgeReply: String = #"{"thought":"asked well","score":0.75}"#) async throws -> LoopbackOpenAIServer {
        try await LoopbackOpenAIServer.start { request in
            let messages = request.messages
            let first = messages.first?.content ?? ""
            if first.contains("You are evaluating how well an AI assistant") { return .chat(judgeReply) }
            if messages.first?.role == "system", first.contains("You are playing a person") {
                let turn = messages.last?.content ?? ""
                let lastAssistant = turn.components(separatedBy: "Assistant:").last ?? ""
                return .chat(
                    lastAssistant.contains("boxed{72}")
                        ? #"{"thought":"done","message":"thanks [[TERMINATE CHAT]]"}"#
                        : #"{"thought":"say more","message":"perimeter is 36 and the length is twice the width"}"#)
            }
            if messages.contains(where: { $0.content.contains("please fail") }) { return .error(404, message: "no such model today") }
            return .chat(agentReply)
        }
    }

    static func plan(server: LoopbackOpenAIServer, store: String) -> RewardPlan {
        let spec = "openai/scripted@\(server.baseURL)"
        var plan = RewardPlan(policy: spec, user: spec, judge: spec)
        plan.defaultPack = BenchmarkRunnerTests.root + "/Tasks/math"
        plan.store = store
        plan.tokenizerDirectory = rewardTokenizerDirectory
        plan.concurrency = 3
        return plan
    }

    static func tempStore() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cb-reward-\(UUID()).sqlite").path
    }

    static let items = [
        RewardItem(
            id: "q1", taskID: "cb-math-001", history: [RewardMessage(role: .user, content: "i have a rectangle question")],
            candidates: ["What are its perimeter and its shape?", "The area is \\boxed{50}. [[TERMINATE CHAT]]"])
    ]

    static func rewards(_ items: [RewardItem], plan: RewardPlan) async throws -> ([RewardResult], (calls: Int, cached: Int)) {
        let rewarder = try MultiturnRewarder(plan: plan, environment: [:], workingDirectory: BenchmarkRunnerTests.root)
        do {
            let results = try await rewarder.rewards(for: items)
            let calls = await rewarder.calls()
            await rewarder.close()
            return (results, calls)
        } catch {
            await rewarder.close()
            throw error
        }
    }

    static func tokens(_ text: String) async throws -> Int {
        try await TokenizerLocator(explicitDirectory: rewardTokenizerDirectory).load(.cl100kBase).count(text)
    }

    @Test func rewardsAreThePaperFormulaComputedByHand() async throws {
        let server = try await Self.server()
        let (results, _) = try await Self.rewards(Self.items, plan: Self.plan(server: server, store: Self.tempStore()))
        try await server.stop()
        let result = try #require(results.first)
        #expect(result.id == "q1")
        #expect(result.rewards.count == 2)

        // Candidate 0 asks; the user gives the constraints (exchange 1), the policy answers
        // \boxed{72}, the user ends the chat (exchange 2). Forward assistant text: the candidate
        // and the answer, joined with a space.
        let asking = result.rewards[0]
        let n0 = try await Self.tokens("What are its perimeter and its shape? " + Self.agentReply)
        #expect(n0 == 16)  // tiktoken's cl100k_base gives 16 too
        // R_ext: 72 is the reference answer → accuracy 1. R_int: −min(5e-4 · 16, 1) + 0.75 = −0.008 + 0.75.
        let expected0 = 1.0 - min(5e-4 * 16, 1) + 0.75  // = 1.742
        #expect(asking.samples.count == 3)
        for sample in asking.samples {
            #expect(sample.metricName == "accuracy")
            #expect(sample.metric == 1)
            #expect(sample.tokens == 16)
            #expect(sample.itr == 0.75)
            #expect(sample.itrStatus == "scored")
            #expect(sample.endedBy == "user_terminated")
            #expect(sample.exchanges == 2)
            #expect(sample.failed == false)
            #expect(abs((sample.reward ?? .nan) - expected0) < 1e-12)
        }
        #expect(abs((asking.mr ?? .nan) - 1.742) < 1e-12)
        #expect(asking.std == 0)
        #expect(asking.used == 3)
        // The three samples have three different seeds.
        #expect(Set(asking.samples.map(\.seed)).count == 3)

        // Candidate 1 answers 50 and ends the chat itself: no continuation, accuracy 0.
        let ending = result.rewards[1]
        let n1 = try await Self.tokens("The area is \\boxed{50}. [[TERMINATE CHAT]]")
        #expect(n1 == 15)  // tiktoken: 15
        let expected1 = 0.0 - min(5e-4 * 15, 1) + 0.75  // = 0.7425
        for sample in ending.samples {
            #expect(sample.metric == 0)
            #expect(sample.tokens == 15)
            #expect(sample.endedBy == "agent_terminated")
            #expect(sample.exchanges == 0)
            #expect(abs((sample.reward ?? .nan) - expected1) < 1e-12)
        }
        #expect(abs((ending.mr ?? .nan) - 0.7425) < 1e-12)
    }

    @Test func weightedFormulaSumsTheNamedComponents() async throws {
        let server = try await Self.server()
        var plan = Self.plan(server: server, store: Self.tempStore())
        plan.formula = .weighted
        plan.weights = ["accuracy": 1, "interactivity": 0.5, "token_amount": -0.5]
        let (results, _) = try await Self.rewards(Self.items, plan: plan)
        try await server.stop()
        // 1·1 + 0.5·0.75 − 0.5·(16 / 1000) = 1 + 0.375 − 0.008 = 1.367
        #expect(abs((results[0].rewards[0].mr ?? .nan) - 1.367) < 1e-12)
        // 1·0 + 0.5·0.75 − 0.5·(15 / 1000) = 0.375 − 0.0075 = 0.3675
        #expect(abs((results[0].rewards[1].mr ?? .nan) - 0.3675) < 1e-12)
    }

    @Test func unreadableJudgeReplyLeavesITRUnscoredNotZero() async throws {
        let server = try await Self.server(judgeReply: "It was a lovely chat, really.")
        let (results, _) = try await Self.rewards(Self.items, plan: Self.plan(server: server, store: Self.tempStore()))
        try await server.stop()
        let asking = results[0].rewards[0]
        for sample in asking.samples {
            #expect(sample.itr == nil)
            #expect(sample.itrStatus == "unscored")
            #expect(sample.missing == ["itr"])
            #expect(sample.failed == false)
            // The components that exist: 1 − 0.008.
            #expect(abs((sample.reward ?? .nan) - 0.992) < 1e-12)
        }
        #expect(asking.used == 3)
        #expect(abs((asking.mr ?? .nan) - 0.992) < 1e-12)
    }

    @Test func failingModelCallFailsTheSampleNotTheBatch() async throws {
        let server = try await Self.server()
        let items = Self.items + [
            RewardItem(id: "q2", taskID: "cb-math-001", history: [RewardMessage(role: .user, content: "please fail")], candidates: ["Which rectangle?"])
        ]
        let (results, _) = try await Self.rewards(items, plan: Self.plan(server: server, store: Self.tempStore()))
        try await server.stop()
        #expect(results.map(\.id) == ["q1", "q2"])
        #expect(abs((results[0].rewards[0].mr ?? .nan) - 1.742) < 1e-12)
        let failed = results[1].rewards[0]
        #expect(failed.mr == nil)
        #expect(failed.std == nil)
        #expect(failed.used == 0)
        for sample in failed.samples {
            #expect(sample.failed)
            #expect(sample.endedBy == "failed")
            #expect(sample.reward == nil)
            #expect(sample.failure?.contains("404") == true, "\(sample.failure ?? "")")
        }
    }

    @Test func rerunIsIdenticalAndAnsweredFromTheCacheAndRecorded() async throws {
        let server = try await Self.server()
        let store = Self.tempStore()
        let plan = Self.plan(server: server, store: store)
        let (first, firstCalls) = try await Self.rewards(Self.items, plan: plan)
        let requestsAfterFirst = server.requests.filter { $0.path.hasSuffix("/chat/completions") }.count
        let (second, secondCalls) = try await Self.rewards(Self.items, plan: plan)
        let requestsAfterSecond = server.requests.filter { $0.path.hasSuffix("/chat/completions") }.count
        try await server.stop()
        #expect(first == second)
        #expect(try first.map { try $0.jsonLine() } == second.map { try $0.jsonLine() })
        // 3 samples × (user, policy, user, judge) for candidate 0 + 3 judges for candidate 1.
        #expect(firstCalls.calls == 15)
        #expect(requestsAfterFirst > 0)
        #expect(secondCalls.calls == 15)
        #expect(secondCalls.cached == 15)
        #expect(requestsAfterSecond == requestsAfterFirst)
        // Both calls are recorded: items, candidates and samples, the plan without credentials.
        let recorded = try ResultStore(path: store)
        let ids = try recorded.rewardCallIDs()
        #expect(ids.count == 2)
        #expect(try recorded.rewardResultLines(callID: ids[0]) == first.map { try $0.jsonLine() })
    }

    @Test func inlineTaskScoresAsTheNamedOneAndUnknownTaskNamesTheItem() async throws {
        let server = try await Self.server()
        let plan = Self.plan(server: server, store: Self.tempStore())
        let pack = try PackLoader.load(directory: BenchmarkRunnerTests.root + "/Tasks/math")
        let task = try #require(pack.tasks.first { $0.id == "cb-math-001" })
        var inline = Self.items[0]
        inline.taskID = nil
        inline.task = task
        let (named, _) = try await Self.rewards(Self.items, plan: plan)
        let (given, _) = try await Self.rewards([inline], plan: plan)
        var unknown = Self.items[0]
        unknown.taskID = "cb-math-999"
        await #expect(throws: CollabBenchError.self) { _ = try await Self.rewards([unknown], plan: plan) }
        do {
            _ = try await Self.rewards([unknown], plan: plan)
        } catch let error as CollabBenchError {
            #expect(error.message.contains("item 'q1'") && error.message.contains("cb-math-999"), "\(error.message)")
        }
        try await server.stop()
        #expect(named == given)
    }

    @Test func itemLinesAreCheckedWithTheirLineNumber() throws {
        let good = #"{"id":"a","pack":"math","task_id":"cb-math-001","history":[{"role":"user","content":"hi"}],"candidates":["x"]}"#
        let items = try RewardItem.parseJSONLines(good + "\n\n" + good.replacingOccurrences(of: "\"a\"", with: "\"b\"") + "\n", file: "items.jsonl")
        #expect(items.map(\.id) == ["a", "b"])
        #expect(items[0].taskID == "cb-math-001")
        let cases: [(String, String)] = [
            ("not json", "items.jsonl:3: not a JSON object"),
            (#"{"id":"c","task_id":"t","history":[]}"#, #"items.jsonl:3: missing "candidates""#),
            (#"{"id":"c","task_id":"t","history":[],"candidates":[]}"#, #"items.jsonl:3: item 'c': "candidates" is empty"#),
            (#"{"id":"c","history":[],"candidates":["x"]}"#, #"items.jsonl:3: item 'c': give "task_id" or an inline "task""#),
            (#"{"id":"c","task_id":"t","history":[{"role":"robot","content":"x"}],"candidates":["x"]}"#, #"items.jsonl:3: invalid value at "history[0].role""#),
        ]
        for (line, expected) in cases {
            do {
                _ = try RewardItem.parseJSONLines(good + "\n" + good + "\n" + line, file: "items.jsonl")
                Issue.record("accepted \(line)")
            } catch let error as CollabBenchError {
                #expect(error.worded(setting: nil) == expected)
            }
        }
    }

    @Test func planChecksItsSettings() throws {
        var plan = RewardPlan(policy: "openai/a", user: "openai/a", judge: "openai/a")
        try plan.validate()
        #expect(plan.effectiveLambda(for: .docs) == 1e-4)
        #expect(plan.effectiveLambda(for: .code) == 5e-4)
        #expect(plan.effectiveLambda(for: .math) == 5e-4)
        plan.weights = ["accuracy": 1]
        #expect(throws: CollabBenchError.self) { try plan.validate() }
        plan.formula = .weighted
        try plan.validate()
        plan.weights["speed"] = 1
        #expect(throws: CollabBenchError.self) { try plan.validate() }
        plan.weights = ["accuracy": 1, "bleu": 1]
        #expect(throws: CollabBenchError.self) { try plan.validate() }
        // Credentials in a spec never reach the recorded plan.
        let withKey = RewardPlan(policy: "openai/m@http://u:sk-secret@127.0.0.1:9/v1", user: "openai/a", judge: "openai/a")
        #expect(!withKey.canonicalJSON().contains("sk-secret"))
    }

    @Test func formulaLeavesOutMissingComponents() {
        var plan = RewardPlan(policy: "p", user: "u", judge: "j")
        let paper = RewardFormula(plan: plan, kind: .math)
        #expect(paper.reward(metric: 1, tokens: 4000, itr: 0.5).reward == 1 - 1 + 0.5)  // the token penalty is capped at 1
        #expect(paper.reward(metric: nil, tokens: 100, itr: nil) == (-0.05, ["metric", "itr"]))
        #expect(paper.reward(metric: nil, tokens: nil, itr: nil).reward == nil)
        plan.formula = .weighted
        plan.weights = ["interactivity": 2]
        #expect(RewardFormula(plan: plan, kind: .docs).reward(metric: nil, tokens: nil, itr: 0.25) == (0.5, []))
    }
}
