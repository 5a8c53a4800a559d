import CollabBenchCore
import CollabBenchRunner
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// The Python of the venv holding the reference (PyPI `collabllm` 0.0.8, `make bench-peer`
/// sets it up in `.venv-peer`), or `COLLABBENCH_PEER_PYTHON`.
let rewardPeerPython: String? = {
    let candidates = [ProcessInfo.processInfo.environment["COLLABBENCH_PEER_PYTHON"], BenchmarkRunnerTests.root + "/.venv-peer/bin/python"]
    return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

/// The reference's own `collabllm.reward.multiturn_aware_reward` on CollabBench's trajectories.
///
/// Its continuations are the ones CollabBench ran (its `ChatSessionSimulator` is replaced by one
/// returning them), `token_amount` is the peer script's (tiktoken, thousands of assistant tokens),
/// and accuracy and interactivity return the values CollabBench's scorer and judge gave (the wheel
/// ships no metrics, and its judges would call a model). The reference's MR (mean of the weighted
/// sums) must equal CollabBench's `--formula weighted` MR with the same weights.
@Suite(
    .timeLimit(.minutes(5)), .enabled(if: rewardTokenizerDirectory != nil, "needs cl100k_base.tiktoken"),
    .enabled(if: rewardPeerPython != nil, "needs .venv-peer with collabllm 0.0.8 (make bench-peer) or COLLABBENCH_PEER_PYTHON"))
struct RewardReferenceTests {
    static let driver = #"""
        import json, os, statistics, sys
        sys.argv.append("--quiet-logs")
        sys.path.insert(0, os.environ["PEER_DIR"])
        import collabllm_peer as peer
        from collabllm.metric import BaseMetric, SingleTurnOrChatMetric
        from collabllm.reward import multiturn_aware_reward
        from collabllm.simulation import ChatSessionSimulator

        spec = json.load(sys.stdin)
        values = {}
        for c in spec["candidates"]:
            for session, v in zip(c["sessions"], c["values"]):
                values[json.dumps(session)] = v

        @SingleTurnOrChatMetric.register_metric("cb_accuracy")
        class A(BaseMetric):
            def __init__(self, **kw): pass
            def score(self, prompt, groundtruth, completion, messages=None, metadata=None):
                return values[json.dumps(messages)]["metric"]

        @SingleTurnOrChatMetric.register_metric("cb_interactivity")
        class I(BaseMetric):
            def __init__(self, **kw): pass
            def score(self, prompt, groundtruth, completion, messages=None, metadata=None):
                return values[json.dumps(messages)]["itr"]

        out = []
        for c in spec["candidates"]:
            sessions = c["sessions"]
            ChatSessionSimulator.run_chat_simulation = lambda self, **kw: [list(s) for s in sessions]
            rewards = multiturn_aware_reward(
                task_desc="question answering", single_turn_prompt="", single_turn_completion="",
                metric_names=["cb_accuracy", "cb_interactivity", "token_amount"], metric_weights=spec["weights"],
                chat_history=sessions[0][:spec["history"]], num_samples=len(sessions), max_new_turns=4,
                assistant_generation_kwargs={}, user_generation_kwargs={})
            out.append({"mr": statistics.mean(rewards["MR"]), "tokens_k": rewards["token_amount"]})
        print(json.dumps(out))
        """#

    @Test func referenceFunctionGivesTheSameMROnTheSameTrajectories() async throws {
        let server = try await RewardTests.server()
        let store = RewardTests.tempStore()
        var plan = RewardTests.plan(server: server, store: store)
        plan.formula = .weighted
        // The paper's math λ as the reference weights it: −λ·1000 per thousand tokens.
        plan.weights = ["accuracy": 1, "interactivity": 1, "token_amount": -0.5]
        let (results, _) = try await RewardTests.rewards(RewardTests.items, plan: plan)
        try await server.stop()
        let recorded = try ResultStore(path: store)
        let call = try #require(try recorded.rewardCallIDs().first)
        var candidates: [[String: Any]] = []
        for (c, reward) in results[0].rewards.enumerated() {
            let sessions = try recorded.rewardTranscripts(callID: call, position: 0, candidate: c).map { json in
                try JSONDecoder().decode(Transcript.self, from: Data(json.utf8)).turns.map { ["role": $0.role.rawValue, "content": $0.text] }
            }
            let values = reward.samples.map { ["metric": $0.metric ?? .nan, "itr": $0.itr ?? .nan] }
            candidates.append(["sessions": sessions, "values": values])
        }
        let input = try JSONSerialization.data(withJSONObject: ["history": 1, "weights": [1, 1, -0.5], "candidates": candidates])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cb-reward-ref-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Self.driver.write(toFile: dir + "/driver.py", atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["PEER_DIR"] = BenchmarkRunnerTests.root + "/Benchmarks/Peer"
        environment["COLLABBENCH_SHARED_DATA"] = (rewardTokenizerDirectory! as NSString).deletingLastPathComponent
        environment["TMPDIR"] = dir
        try input.write(to: URL(fileURLWithPath: dir + "/input.json"))
        let output = try await TestProcess.run(
            rewardPeerPython!, [dir + "/driver.py"], stdin: dir + "/input.json", environment: environment, directory: dir, timeLimit: .seconds(240))
        #expect(output.status == 0, "\(output.stderrText.suffix(2000))")
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(output.stdoutText.split(separator: "\n").last.map(String.init)?.utf8 ?? "".utf8)) as? [[String: Any]])
        #expect(reference.count == 2)
        for (ours, theirs) in zip(results[0].rewards, reference) {
            let mr = try #require(theirs["mr"] as? Double)
            #expect(abs((ours.mr ?? .nan) - mr) < 1e-12, "CollabBench \(String(describing: ours.mr)), reference \(mr)")
            // tiktoken's count, in thousands, is CollabBench's.
            #expect((theirs["tokens_k"] as? [Double]) == ours.samples.map { Double($0.tokens ?? -1) / 1000 })
        }
        // By hand: 1 + 0.75 − 0.5·0.016 = 1.742; 0 + 0.75 − 0.5·0.015 = 0.7425.
        #expect(abs((results[0].rewards[0].mr ?? .nan) - 1.742) < 1e-12)
        #expect(abs((results[0].rewards[1].mr ?? .nan) - 0.7425) < 1e-12)
    }
}
