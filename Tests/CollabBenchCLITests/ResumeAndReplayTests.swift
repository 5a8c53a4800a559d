import CollabBenchCore
import CollabBenchProcess
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Answers the first `free` judge requests at once; later ones wait until ``open()``.
actor JudgeGate {
    private var free: Int
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(free: Int) { self.free = free }

    /// Returns at once while free passes are left or the gate is open; else when it opens.
    func pass() async {
        if isOpen { return }
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Lets every waiting and later request through.
    func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting = []
    }
}

/// Never lose work, never pay twice: kill -9 mid-run and resume; replay a run offline from the cache.
@Suite(.timeLimit(.minutes(5)), .serialized, .enabled(if: CLI.available && TokenizerFiles.directory != nil, "needs the binary and tokenizer files"))
struct ResumeAndReplayTests {
    /// A loopback server playing user, agent and judge, each reply after `delay`; judge requests
    /// pass `judgeGate` first, when one is given.
    static func server(delay: Duration, judgeGate: JudgeGate? = nil) async throws -> LoopbackOpenAIServer {
        try await LoopbackOpenAIServer.start { request in
            let first = request.messages.first?.content ?? ""
            if first.contains("You are evaluating how well") {
                await judgeGate?.pass()
                return .chat(#"{"thought":"ok","score":2}"#, delay: delay)
            }
            if first.contains("You are playing a person") {
                let done = (request.messages.last?.content ?? "").contains("Assistant:")
                return .chat(done ? #"{"thought":"","message":"ok [[TERMINATE CHAT]]"}"# : #"{"thought":"","message":"help"}"#, delay: delay)
            }
            return .chat("Answer: \\boxed{15}", delay: delay)
        }
    }

    func arguments(_ server: LoopbackOpenAIServer, db: String, extra: [String] = []) -> [String] {
        ["run", "--pack", "math", "--agent", "openai/m@\(server.baseURL)", "--db", db, "--concurrency", "2", "--name", "resumable",
         "--tokenizer-dir", TokenizerFiles.directory!, "--no-progress"] + extra
    }

    @Test func killedRunResumesWithoutLosingOrDuplicatingConversations() async throws {
        // Two conversations get their judge's reply; the others wait at the judge, so the run
        // cannot finish before it is killed, however fast it goes.
        let gate = JudgeGate(free: 2)
        let server = try await Self.server(delay: .milliseconds(150), judgeGate: gate)
        defer { Task { try? await server.stop() } }
        let dir = try CLI.tempDir()
        let db = dir + "/r.sqlite"
        // Start a run and SIGKILL it once some conversations are stored.
        let process = try ChildProcess.start(
            .init(executable: CLI.binary!, arguments: arguments(server, db: db), workingDirectory: CLI.root))
        var stored = 0
        // No deadline of its own (a loaded machine may take long to start the run): the suite's
        // time limit ends a run that never stores two, and a run that exits early ends the wait.
        while true {
            try Task.checkCancellation()
            if await process.waitForExit(upTo: .milliseconds(50)) != nil { break }
            if FileManager.default.fileExists(atPath: db), let store = try? ResultStore(path: db, mode: .readOnly),
                let run = try? store.runs().first {
                stored = (try? store.finishedKeys(runID: run.id).count) ?? 0
                if stored >= 2 { break }
            }
        }
        process.signal(SIGKILL, toGroup: false)
        _ = await process.waitForExit()
        #expect(stored >= 2)

        let store = try ResultStore(path: db)
        #expect(try store.integrityCheck() == "ok")
        let runID = try #require(try store.runs().first?.id)
        let before = try store.finishedKeys(runID: runID)
        #expect(before.count < 6)

        // The same command continues the run (the judge answers everyone now).
        await gate.open()
        let again = try await CLI.run(arguments(server, db: db))
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        #expect(again.stdout.contains("Continuing run resumable"))
        let reopened = try ResultStore(path: db)
        #expect(try reopened.runs().count == 1)
        let conversations = try reopened.conversationScores(runID: runID)
        #expect(conversations.count == 6)
        #expect(Set(conversations.map(\.taskID)).count == 6)
        #expect(try reopened.run(runID)?.status == .completed)
        #expect(try reopened.integrityCheck() == "ok")

        // Once complete, the same command does nothing; a changed configuration is refused by name.
        let third = try await CLI.run(arguments(server, db: db))
        #expect(third.status == 0)
        #expect(third.stdout.contains("already complete"))
        let changed = try await CLI.run(arguments(server, db: db, extra: ["--seed", "7"]))
        #expect(changed.status != 0)
        #expect(changed.stderr.contains("seed: 42 → 7"), "\(changed.stderr)")
    }

    @Test func cachedRunReplaysOfflineWithIdenticalScores() async throws {
        let server = try await Self.server(delay: .zero)
        let dir = try CLI.tempDir()
        let db = dir + "/r.sqlite"
        let first = try await CLI.run(arguments(server, db: db))
        #expect(first.status == 0, "\(first.stderr)")
        let calls = server.requests.count
        try await server.stop()
        // The server is gone: a read-only replay must answer every call from the cache.
        let replay = try await CLI.run(arguments(server, db: db, extra: ["--cache", "read-only", "--force-new"]))
        #expect(replay.status == 0, "\(replay.stdout) \(replay.stderr)")
        #expect(calls > 0)
        let store = try ResultStore(path: db)
        let runs = try store.runs()
        #expect(runs.count == 2)
        let a = try store.conversationScores(runID: runs[0].id).sorted { $0.taskID < $1.taskID }
        let b = try store.conversationScores(runID: runs[1].id).sorted { $0.taskID < $1.taskID }
        #expect(a.map { $0.scores.mapValues(\.value) } == b.map { $0.scores.mapValues(\.value) })
    }

    @Test func shardsMergeIntoOneCompleteRun() async throws {
        let server = try await Self.server(delay: .zero)
        defer { Task { try? await server.stop() } }
        let dir = try CLI.tempDir()
        for i in 0..<2 {
            let out = try await CLI.run(arguments(server, db: dir + "/shard\(i).sqlite", extra: ["--shard", "\(i)/2"]))
            #expect(out.status == 0, "\(out.stderr)")
        }
        let merged = try await CLI.run(["merge", dir + "/shard0.sqlite", dir + "/shard1.sqlite", dir + "/shard0.sqlite", "--into", dir + "/all.sqlite"])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout.contains("0 conversations added, 3 already present"))
        let store = try ResultStore(path: dir + "/all.sqlite")
        let runs = try store.runs()
        #expect(runs.count == 1)
        #expect(runs.first?.status == .completed)
        #expect(try store.conversationScores(runID: runs[0].id).count == 6)
    }
}

/// `rejudge` re-scores a stored run with another judge without calling the agent or the simulator.
@Suite(.timeLimit(.minutes(5)), .enabled(if: CLI.available && TokenizerFiles.directory != nil, "needs the binary and tokenizer files"))
struct RejudgeTests {
    @Test func rejudgeCallsOnlyTheNewJudge() async throws {
        let first = try await ResumeAndReplayTests.server(delay: .zero)
        let dir = try CLI.tempDir()
        let db = dir + "/r.sqlite"
        // Every scripted call (10 prompt + 5 completion tokens) costs $1 for both models.
        try "models:\n  m: {input: 50000, output: 100000}\n  strict: {input: 50000, output: 100000}\n"
            .write(toFile: dir + "/prices.yaml", atomically: true, encoding: .utf8)
        let out = try await CLI.run([
            "run", "--pack", "math", "--agent", "openai/m@\(first.baseURL)", "--db", db, "--name", "original",
            "--tokenizer-dir", TokenizerFiles.directory!, "--no-progress", "--pricing", dir + "/prices.yaml",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        try await first.stop()
        // A second judge that rates everything 3 and records what it is asked.
        let judge = try await LoopbackOpenAIServer.start { _ in .chat(#"{"thought":"great","score":3}"#) }
        defer { Task { try? await judge.stop() } }
        let again = try await CLI.run([
            "rejudge", "--db", db, "--run", "original", "--judge", "openai/strict@\(judge.baseURL)", "--name", "rejudged",
            "--pricing", dir + "/prices.yaml",
        ])
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        #expect(again.stdout.contains("Cost: 6 model calls"), "\(again.stdout)")
        #expect(judge.requests.count == 6)
        #expect(judge.requests.allSatisfy { $0.messages.first?.content.contains("You are evaluating how well") == true })
        let store = try ResultStore(path: db)
        let old = try #require(try store.run("original"))
        let new = try #require(try store.run("rejudged"))
        #expect(new.judge == "openai/strict@\(judge.baseURL)")
        let before = try store.conversationScores(runID: old.id).sorted { $0.taskID < $1.taskID }
        let after = try store.conversationScores(runID: new.id).sorted { $0.taskID < $1.taskID }
        #expect(after.count == before.count)
        #expect(after.map { $0.scores["accuracy"]?.value } == before.map { $0.scores["accuracy"]?.value })
        #expect(before.allSatisfy { $0.scores["itr"]?.value == -1 })
        #expect(after.allSatisfy { $0.scores["itr"]?.value == 1 })
        #expect(try store.messages(conversationID: after[0].conversationID).map(\.text) == store.messages(conversationID: before[0].conversationID).map(\.text))
        // Each copy costs its conversation as paid (3 messages) plus its new judge call.
        #expect(try store.runCost(runID: old.id).usd == 24)
        #expect(try store.runCost(runID: new.id).usd == 24)
        #expect(try store.runCost(runID: new.id).unpricedCalls == 0)
    }
}
