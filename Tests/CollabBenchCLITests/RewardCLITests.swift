import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// The cl100k rank file of the shared data (or `COLLABBENCH_TOKENIZER_DIR`), if present.
private let tokenizerDirectory: String? = {
    let environment = ProcessInfo.processInfo.environment
    let shared = environment["COLLABBENCH_SHARED_DATA"] ?? (CLI.root as NSString).deletingLastPathComponent + "/shared/data"
    return [environment["COLLABBENCH_TOKENIZER_DIR"], shared + "/tokenizers"].compactMap { $0 }
        .first { FileManager.default.fileExists(atPath: $0 + "/cl100k_base.tiktoken") }
}()

/// `collabbench reward` end to end: the same numbers as the library (RewardTests computes them by
/// hand from the same scripted replies), one line per item in input order, errors as one line.
@Suite(
    .timeLimit(.minutes(5)), .enabled(if: CLI.available, "needs the built collabbench binary"),
    .enabled(if: tokenizerDirectory != nil, "needs cl100k_base.tiktoken (shared data or COLLABBENCH_TOKENIZER_DIR)"))
struct RewardCLITests {
    /// The scripted roles of RewardTests.server: the user gives the constraints until the
    /// assistant wrote \boxed{72}, the policy always answers it, the judge says 0.75.
    static func server() async throws -> LoopbackOpenAIServer {
        try await LoopbackOpenAIServer.start { request in
            let messages = request.messages
            let first = messages.first?.content ?? ""
            if first.contains("You are evaluating how well an AI assistant") { return .chat(#"{"thought":"asked well","score":0.75}"#) }
            if messages.first?.role == "system", first.contains("You are playing a person") {
                let lastAssistant = (messages.last?.content ?? "").components(separatedBy: "Assistant:").last ?? ""
                return .chat(
                    lastAssistant.contains("boxed{72}")
                        ? #"{"thought":"done","message":"thanks [[TERMINATE CHAT]]"}"#
                        : #"{"thought":"say more","message":"perimeter is 36 and the length is twice the width"}"#)
            }
            return .chat("The area is \\boxed{72}.")
        }
    }

    static let lines = [
        #"{"id":"q1","task_id":"cb-math-001","history":[{"role":"user","content":"i have a rectangle question"}],"candidates":["What are its perimeter and its shape?","The area is \\boxed{50}. [[TERMINATE CHAT]]"]}"#,
        #"{"id":"q0","task_id":"cb-math-001","history":[{"role":"user","content":"i have a rectangle question"}],"candidates":["The area is \\boxed{50}. [[TERMINATE CHAT]]"]}"#,
    ]

    func arguments(server: LoopbackOpenAIServer, input: String, output: String, db: String) -> [String] {
        let spec = "openai/scripted@\(server.baseURL)"
        return [
            "reward", "--in", input, "--out", output, "--policy", spec, "--user", spec, "--judge", spec, "--pack", CLI.root + "/Tasks/math",
            "--db", db, "--tokenizer-dir", tokenizerDirectory!, "--concurrency", "3",
        ]
    }

    @Test func givesTheLibrarysNumbersInInputOrderAndRecordsThem() async throws {
        let dir = try CLI.tempDir()
        let input = dir + "/items.jsonl"
        try Self.lines.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let server = try await Self.server()
        let db = dir + "/store.sqlite"
        let run = try await CLI.run(arguments(server: server, input: input, output: dir + "/rewards.jsonl", db: db))
        let again = try await CLI.run(arguments(server: server, input: input, output: dir + "/again.jsonl", db: db))
        try await server.stop()
        #expect(run.status == 0, "\(run.stderr)")
        // q1: 3 samples × (user, policy, user, judge) + 3 judges; q0: 3 judges (its seeds differ from q1's).
        #expect(run.stdout.contains("Rewarded 3 candidates of 2 items: 9 samples, 0 failed, 0 with ITR unscored; 18 model calls (0 from the cache)"), "\(run.stdout)")
        let out = try String(contentsOfFile: dir + "/rewards.jsonl", encoding: .utf8)
        let results = out.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(results.map { $0["id"] as? String } == ["q1", "q0"])
        let mrs = results.map { ($0["rewards"] as! [[String: Any]]).map { $0["mr"] as! Double } }
        // RewardTests: 1 − min(5e-4 · 16, 1) + 0.75 = 1.742; 0 − min(5e-4 · 15, 1) + 0.75 = 0.7425.
        #expect(mrs.count == 2)
        #expect(abs(mrs[0][0] - 1.742) < 1e-12)
        #expect(abs(mrs[0][1] - 0.7425) < 1e-12)
        #expect(abs(mrs[1][0] - 0.7425) < 1e-12)
        let sample = ((results[0]["rewards"] as! [[String: Any]])[0]["samples"] as! [[String: Any]])[0]
        #expect(sample["tokens"] as? Int == 16)
        #expect(sample["itr"] as? Double == 0.75)
        #expect(sample["ended_by"] as? String == "user_terminated")
        // The rerun is identical and answered from the cache.
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("18 model calls (18 from the cache)"), "\(again.stdout)")
        #expect(try String(contentsOfFile: dir + "/again.jsonl", encoding: .utf8) == out)
        // What the library recorded is what the command wrote.
        let store = try ResultStore(path: db)
        let ids = try store.rewardCallIDs()
        #expect(ids.count == 2)
        #expect(try store.rewardResultLines(callID: ids[0]).map { $0 + "\n" }.joined() == out)
    }

    @Test func malformedLineIsOneErrorLineNamingIt() async throws {
        let dir = try CLI.tempDir()
        let input = dir + "/items.jsonl"
        try (Self.lines[0] + "\n" + #"{"id":"x","task_id":"cb-math-001","history":[]}"# + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let result = try await CLI.run([
            "reward", "--in", input, "--out", dir + "/r.jsonl", "--policy", "openai/m@http://127.0.0.1:9/v1", "--user", "openai/m@http://127.0.0.1:9/v1",
            "--judge", "openai/m@http://127.0.0.1:9/v1", "--pack", "math", "--db", dir + "/s.sqlite",
        ])
        #expect(result.status == 65)
        #expect(result.stderr == "collabbench: error: items.jsonl:2: missing \"candidates\"\n", "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.jsonl"))
    }

    @Test func unknownWeightIsAUsageError() async throws {
        let dir = try CLI.tempDir()
        let result = try await CLI.run([
            "reward", "--in", dir + "/none.jsonl", "--out", dir + "/r.jsonl", "--policy", "openai/m", "--user", "openai/m", "--judge", "openai/m",
            "--formula", "weighted", "--weight", "speed=1",
        ])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("collabbench: error: --weight speed: unknown component 'speed'"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
