import CollabBenchCore
import CollabBenchRunner
import CollabBenchServer
import CollabBenchTestSupport
import Foundation
import Testing

/// `python3` on PATH, if any.
private let python3: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    .map { $0 + "/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }

/// The Python integrations in examples/training (standard library only) against a running
/// service backed by the reward library and the scripted loopback server.
@Suite("Reward service: the Python client and training hooks", .timeLimit(.minutes(10)), .enabled(if: python3 != nil, "needs python3 on PATH"),
    .enabled(if: rewardServiceTokenizerDirectory != nil, "needs cl100k_base.tiktoken (shared data or COLLABBENCH_TOKENIZER_DIR)"))
struct RewardClientScriptTests {
    static let examples = RewardServiceLibraryTests.root + "/examples/training"

    @Test("collabbench_reward_client.py, trl_reward.reward and verl compute_score print the library's numbers")
    func pythonIntegrations() async throws {
        let python = try #require(python3)
        let server = try await RewardServiceLibraryTests.scriptedServer()
        let pack = RewardServiceLibraryTests.root + "/Tasks/math"
        let items = RewardServiceLibraryTests.items
        // What trl_reward sends for two completions of one prompt, and verl_compute_score for one.
        let trlItem = RewardItem(
            id: "trl-0", pack: pack, taskID: "cb-math-001", history: [RewardMessage(role: .user, content: "area please")],
            candidates: ["Which sides?", "It is \\boxed{72}."])
        let verlItem = RewardItem(
            id: "7", pack: pack, taskID: "cb-math-001", history: [RewardMessage(role: .user, content: "area please")],
            candidates: ["Which sides?"])
        let library = try RewardServiceLibraryTests.rewarder(RewardServiceLibraryTests.plan(server))
        let expected = try await library.rewards(for: items).map { try $0.jsonLine() }
        let expectedTRL = try await library.rewards(for: [trlItem])[0].rewards.map(\.mr)
        let expectedVERL = try await library.rewards(for: [verlItem])[0].rewards[0].mr
        await library.close()

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cb-reward-client-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let encoder = JSONEncoder()
        try items.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }.joined()
            .write(toFile: folder + "/items.jsonl", atomically: true, encoding: .utf8)

        let rewarder = try RewardServiceLibraryTests.rewarder(RewardServiceLibraryTests.plan(server))
        let service = RewardService(scorer: rewarder, settings: RewardServiceSettings(concurrency: 4))
        let hooks = """
            import json, sys
            sys.path.insert(0, sys.argv[1])
            from trl_reward import reward
            from verl_compute_score import compute_score
            trl = reward(prompts=["area please", "area please"], completions=["Which sides?", [{"role": "assistant", "content": "It is \\\\boxed{72}."}]],
                         task_id=["cb-math-001", "cb-math-001"], pack=[sys.argv[2], sys.argv[2]])
            verl = compute_score(sys.argv[2], "Which sides?", "72", {"task_id": "cb-math-001", "index": 7, "history": [{"role": "user", "content": "area please"}]})
            print(json.dumps({"trl": trl, "verl": verl}))
            """
        let (client, hooked) = try await withServer(RewardRoutes.router(for: service)) { base in
            var environment = ProcessInfo.processInfo.environment
            environment["COLLABBENCH_REWARD_URL"] = base.absoluteString
            let client = try await TestProcess.run(
                python, [Self.examples + "/collabbench_reward_client.py", "--url", base.absoluteString, folder + "/items.jsonl", "--out", folder + "/out.jsonl"],
                environment: environment, timeLimit: .seconds(240))
            let hooked = try await TestProcess.run(python, ["-c", hooks, Self.examples, pack], environment: environment, timeLimit: .seconds(240))
            return (client, hooked)
        }
        await rewarder.close()
        try await server.stop()

        #expect(client.status == 0, "\(client.stderrText)")
        #expect(client.stderrText.contains("2 items, 3 candidates (3 scored), mean MR"))
        let lines = try String(contentsOfFile: folder + "/out.jsonl", encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(RewardResult.self, from: Data($0.utf8)).jsonLine()
        }
        #expect(lines == expected)

        #expect(hooked.status == 0, "\(hooked.stderrText)")
        let printed = try #require(try JSONSerialization.jsonObject(with: Data(hooked.stdoutText.utf8)) as? [String: Any])
        #expect(printed["trl"] as? [Double] == expectedTRL.compactMap { $0 })
        #expect(expectedTRL.allSatisfy { $0 != nil })
        #expect((printed["verl"] as? [String: Any])?["score"] as? Double == expectedVERL)
        #expect((printed["verl"] as? [String: Any])?["samples"] as? Int == 3)
    }
}
