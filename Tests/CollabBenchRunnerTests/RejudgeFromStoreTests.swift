import CollabBenchCore
import CollabBenchModels
import CollabBenchPacks
import CollabBenchRunner
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// A run stores its pack's content, so `rejudge` works from the store alone once the pack folder is
/// gone; a pack given again is checked against the run's.
@Suite(.timeLimit(.minutes(5)))
struct RejudgeFromStoreTests {
    /// A copy of the built-in math pack under another name (so no search finds it), in a temp
    /// folder; `edit` changes its tasks file's text.
    static func importedPack(edit: (String) -> String = { $0 }) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cb-pack-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let source = BenchmarkRunnerTests.root + "/Tasks/math"
        let manifest = try String(contentsOfFile: source + "/pack.json", encoding: .utf8)
            .replacingOccurrences(of: #""name": "math""#, with: #""name": "imported-math""#)
        try manifest.write(toFile: dir + "/pack.json", atomically: true, encoding: .utf8)
        try edit(try String(contentsOfFile: source + "/tasks.jsonl", encoding: .utf8)).write(toFile: dir + "/tasks.jsonl", atomically: true, encoding: .utf8)
        return dir
    }

    /// Runs the pack in `folder` with every role played by `server`.
    static func run(folder: String, server: LoopbackOpenAIServer, store: String) async throws -> RunSummary {
        var plan = RunPlan(pack: folder, agent: .model("openai/scripted@\(server.baseURL)"))
        plan.name = "imported"
        plan.store = store
        plan.concurrency = 2
        plan.cache = .off
        let factory = ModelClientFactory(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01), environment: [:])
        let session = try await RunAssembler(plan: plan, environment: [:], workingDirectory: BenchmarkRunnerTests.root).prepare()
            .open(factory: factory, countingTokens: false)
        return try await session.runThenClose()
    }

    @Test func rejudgeWorksFromTheStoreAloneAndRefusesAnotherPack() async throws {
        let server = try await BenchmarkRunnerTests.scriptedServer(agentReply: { _ in "The answer is \\boxed{72}." }, judgeReply: #"{"thought":"meh","score":2}"#)
        defer { Task { try? await server.stop() } }
        let folder = try Self.importedPack()
        let loaded = try PackLoader.load(directory: folder)
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("cb-rejudge-\(UUID()).sqlite").path
        let summary = try await Self.run(folder: folder, server: server, store: db)
        #expect(summary.completed == 6)
        let store = try ResultStore(path: db)
        let run = try #require(try store.run(summary.runID))
        #expect(run.packHash == loaded.contentHash)
        let snapshot = try #require(try store.packSnapshot(hash: run.packHash))
        #expect(snapshot.manifest == loaded.manifest)
        #expect(snapshot.tasks == loaded.tasks)
        try FileManager.default.removeItem(atPath: folder)

        // The folder is gone and no search finds the pack's name: the stored copy is used.
        let judge = try await LoopbackOpenAIServer.start { _ in .chat(#"{"thought":"great","score":3}"#) }
        defer { Task { try? await judge.stop() } }
        var plan = RejudgePlan(store: db, run: "imported", judge: "openai/strict@\(judge.baseURL)")
        plan.name = "rejudged"
        let outcome = try await plan.run(environment: [:])
        #expect(outcome.conversations == 6)
        #expect(judge.requests.filter { $0.messages.first?.content.contains("You are evaluating how well") == true }.count == 6)
        // The judge saw each task's hidden intent, as it does in a run.
        #expect(judge.requests.contains { $0.body.contains("perimeter of 36 cm") })
        let after = try store.conversationScores(runID: outcome.runID)
        #expect(after.count == 6)
        #expect(after.allSatisfy { $0.scores["itr"]?.value == 1 })
        #expect(try store.conversationScores(runID: run.id).allSatisfy { $0.scores["itr"]?.value == -1 })
        #expect(try store.run(outcome.runID)?.packHash == run.packHash)

        // A pack given again is checked against the run's: another content is refused, naming the way out.
        let other = try Self.importedPack { $0.replacingOccurrences(of: "perimeter of 36 cm", with: "perimeter of 40 cm") }
        var wrong = RejudgePlan(store: db, run: "imported", judge: "openai/strict@\(judge.baseURL)")
        wrong.pack = other
        let requestsBefore = judge.requests.count
        let error = await #expect(throws: CollabBenchError.self) { try await wrong.run(environment: [:]) }
        #expect(error?.code == .malformedPack)
        #expect(error?.message.contains("content hash differs") == true)
        #expect(error?.message.contains("leave the pack out") == true)
        #expect(try store.runs().count == 2)
        #expect(judge.requests.count == requestsBefore)

        // The same content given again is accepted.
        let same = try Self.importedPack()
        var right = RejudgePlan(store: db, run: "imported", judge: "openai/strict@\(judge.baseURL)")
        right.pack = same
        right.name = "rejudged again"
        #expect(try await right.run(environment: [:]).conversations == 6)
    }
}
