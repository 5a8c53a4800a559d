import CollabBenchCore
import CollabBenchRunner
import CollabBenchServer
import CollabBenchStore
import Foundation
import Hummingbird

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The results browser on a big store: a run of `--conversations` conversations (default
/// 100,000; three messages, three scores and a judge call each, written through the store's API),
/// served by `collabbench serve`'s router on a loopback port, and the time of the conversation
/// table (first, middle and last page, sorted by score), a transcript page and their JSON, the
/// leaderboard page (the first request, which waits for the first computation; the current board;
/// after a write, the stale board served while the background recompute runs, and that recompute's
/// time), with the process's memory while serving.
///
///   CollabBenchBenchmarks browse [--conversations 100000] [--repeats 5] [--store /tmp/browse-100k.sqlite]
///
/// With `--store` the store is kept at that path and reused when it exists (writing 100,000
/// conversations takes minutes); the leaderboard step adds one conversation to it each time.
enum BrowseBenchmark {
    static func main(_ arguments: [String]) async throws {
        var conversations = 100_000
        var repeats = 5
        var kept: String?
        var index = 0
        while index < arguments.count {
            let value = index + 1 < arguments.count ? arguments[index + 1] : ""
            switch arguments[index] {
            case "--conversations": conversations = Int(value) ?? conversations
            case "--repeats": repeats = max(1, Int(value) ?? repeats)
            case "--store": kept = value
            default: fatalError("unknown option \(arguments[index])")
            }
            index += 2
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("cb-browse-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let db = kept ?? work + "/browse.sqlite"
        let built = Date()
        let midID: Int64
        let written: String
        if kept != nil && FileManager.default.fileExists(atPath: db) {
            // Opened read-write once, so a newer schema's migration runs before the timings.
            let reused = try ResultStore(path: db)
            conversations = try await reused.conversationPage(ConversationPageRequest(runID: "browse", limit: 1))?.total ?? 0
            let middle = try await reused.conversationPage(ConversationPageRequest(runID: "browse", offset: conversations / 2, limit: 1))
            guard let id = middle?.conversations.first?.id else { fatalError("\(db) holds no run browse") }
            midID = id
            written = "reused, opened in \(String(format: "%.1f", Date().timeIntervalSince(built))) s"
        } else {
            midID = try makeStore(db, conversations: conversations)
            written = "written in \(String(format: "%.1f", Date().timeIntervalSince(built))) s"
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: db)[.size] as? Int) ?? 0) / 1_048_576
        print("CollabBench browse benchmark: \(conversations) conversations (store \(size) MB, \(written))")
        let rssBefore = currentRSSMegabytes()

        let service = BrowseService(store: try ResultStore(path: db, mode: .readOnly))
        let router = ServeRouter.router(service: service, storePath: db)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let boxed = RouterBox(router: router)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await HTTPServer.run(boxed.router, on: ServerBinding(host: "127.0.0.1", port: 0)) { port in
                    continuation.yield(port)
                    continuation.finish()
                }
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
            let base = "http://127.0.0.1:\(port)"
            let pageSize = 50
            let lastOffset = ((conversations - 1) / pageSize) * pageSize
            let middleOffset = (conversations / 2 / pageSize) * pageSize
            print("")
            print("| request | median ms | max ms | bytes |")
            print("| --- | --- | --- | --- |")
            // The leaderboard: the first request waits for the first computation (started with
            // the service); after a write, a request gets the last board marked stale at once
            // while one background recompute runs.
            func timed(_ label: String, _ path: String, runs: Int, expect: String? = nil) async throws {
                var times: [Double] = []
                var bytes = 0
                for _ in 0..<runs {
                    let started = Date()
                    let (data, response) = try await URLSession.shared.data(from: URL(string: base + path)!)
                    times.append(Date().timeIntervalSince(started) * 1000)
                    bytes = data.count
                    guard (response as? HTTPURLResponse)?.statusCode == 200 else { fatalError("\(path): \(String(decoding: data, as: UTF8.self))") }
                    if let expect, !String(decoding: data, as: UTF8.self).contains(expect) { fatalError("\(path): no \(expect)") }
                }
                times.sort()
                print("| \(label) | \(String(format: "%.1f", times[times.count / 2])) | \(String(format: "%.1f", times.last ?? 0)) | \(bytes) |")
            }
            try await timed("leaderboards (first request, waits for the first computation)", "/", runs: 1, expect: "data-stale=\"false\"")
            try await timed("leaderboards (current board)", "/", runs: repeats, expect: "data-stale=\"false\"")
            let writer = try ResultStore(path: db)
            var extra = SplitMix(seed: 11)
            _ = try writer.save(conversation(conversations, generator: &extra))
            try await timed("leaderboards (after a write: served stale, updating)", "/", runs: 1, expect: "data-stale=\"true\"")
            let recompute = Date()
            await service.leaderboardCache.settle()
            print("| (background recompute after the write, off the request path) | \(String(format: "%.1f", Date().timeIntervalSince(recompute) * 1000)) | | |")
            try await timed("leaderboards (after the recompute)", "/", runs: 1, expect: "data-stale=\"false\"")
            try await timed("API leaderboards (current board)", "/api/leaderboards", runs: repeats)
            let cases: [(String, String)] = [
                ("table, first page, by score", "/runs/browse?sort=score&order=desc"),
                ("table, middle page, by score", "/runs/browse?sort=score&order=desc&offset=\(middleOffset)"),
                ("table, last page, by score", "/runs/browse?sort=score&order=desc&offset=\(lastOffset)"),
                ("table, filtered (min_score=0.5), middle", "/runs/browse?sort=score&min_score=0.5&offset=\(middleOffset / 2)"),
                ("table, first page, by id", "/runs/browse"),
                ("table, last page, by id", "/runs/browse?offset=\(lastOffset)"),
                ("API page, middle, by score", "/api/runs/browse/conversations?sort=score&order=desc&offset=\(middleOffset)"),
                ("transcript page", "/conversations/\(midID)"),
                ("API transcript", "/api/conversations/\(midID)"),
                ("runs list", "/runs"),
            ]
            var peakServing = rssBefore
            for (label, path) in cases {
                var times: [Double] = []
                var bytes = 0
                for _ in 0..<repeats {
                    let started = Date()
                    let (data, response) = try await URLSession.shared.data(from: URL(string: base + path)!)
                    times.append(Date().timeIntervalSince(started) * 1000)
                    bytes = data.count
                    guard (response as? HTTPURLResponse)?.statusCode == 200 else { fatalError("\(path): \(String(decoding: data, as: UTF8.self))") }
                    peakServing = max(peakServing, currentRSSMegabytes())
                }
                times.sort()
                print("| \(label) | \(String(format: "%.1f", times[times.count / 2])) | \(String(format: "%.1f", times.last ?? 0)) | \(bytes) |")
            }
            print("")
            print("Resident memory: \(String(format: "%.0f", rssBefore)) MB before serving, \(String(format: "%.0f", peakServing)) MB at most while serving (current), peak RSS of the process \(String(format: "%.0f", peakRSSMegabytes())) MB (includes writing the store).")
            group.cancelAll()
        }
    }

    /// Writes run `browse` with `conversations` conversations; returns the id of the middle one.
    static func makeStore(_ path: String, conversations: Int) throws -> Int64 {
        let store = try ResultStore(path: path)
        let settings = ConversationSettings(
            maxExchanges: 6, agentSampling: Sampling(temperature: 0.6, topP: 0.9, maxTokens: 1024), agentSystemPrompt: nil)
        let config = RunConfiguration(
            name: "browse", agent: try ModelSpec(parsing: "openai/agent"), agentPreset: "base", userSimulator: try ModelSpec(parsing: "openai/user"),
            judge: try ModelSpec(parsing: "openai/judge"), conversation: settings, judgeSampling: Sampling(temperature: 0, maxTokens: 400),
            judgeMaxAttempts: 1, judgeStructuredOutput: true, seed: 1, limit: nil, concurrency: 1, metric: MetricSettings(),
            promptHashes: [:], packName: "browse", packVersion: "1", packHash: "browse")
        try store.createRun(
            RunRecord(
                id: "browse", name: "browse", createdAt: "2026-01-01T00:00:00Z", status: .completed, packName: "browse", packVersion: "1",
                packKind: .math, packHash: "browse", agent: "openai/agent", agentPreset: "base", userSimulator: "openai/user", judge: "openai/judge",
                seed: 1, taskCount: conversations, configJSON: try config.json(), collabbenchVersion: "bench"),
            prompts: [])
        var generator = SplitMix(seed: 7)
        var middle: Int64 = 0
        for i in 0..<conversations {
            let id = try store.save(conversation(i, generator: &generator))
            if i == conversations / 2 { middle = id }
        }
        return middle
    }

    /// Conversation `i` of run `browse` (task `b<i>`), its accuracy drawn from `generator`.
    static func conversation(_ i: Int, generator: inout SplitMix) -> ConversationResult {
        let answer = String(repeating: "Here is a worked answer with some detail. ", count: 20)
        let score = Double(generator.next() % 1000) / 1000
        let user = Turn(role: .user, text: "What is \(i) + 1? Please explain.", call: CallRecord(model: "openai/user", rawReply: "{}", thought: "curious"))
        let agent = Turn(role: .assistant, text: answer + "\\boxed{\(i + 1)}", call: CallRecord(model: "openai/agent", rawReply: answer, latencySeconds: 0.4, costUSD: 0.0002))
        let closing = Turn(role: .user, text: "thanks [[TERMINATE CHAT]]", call: CallRecord(model: "openai/user", rawReply: "{}"))
        let verdict = JudgeVerdict(
            criterion: "interactivity", status: .scored, rawScore: nil, score: 0.5,
            calls: [CallRecord(model: "openai/judge", rawReply: #"{"thought":"fine","score":2}"#)], promptHash: "j")
        return ConversationResult(
            runID: "browse", taskID: "b\(i)", trial: 0, seed: i, transcript: Transcript(turns: [user, agent, closing], endReason: .userTerminated),
            turnTokens: [8, 220, 4],
            scores: [
                ScoreEntry(metric: "accuracy", value: score, status: .scored, method: "bench"),
                ScoreEntry(metric: "tok_k", value: 0.22, status: .scored, method: "cl100k_base"),
                ScoreEntry(metric: "itr", value: 0.5, status: .scored, method: "judge"),
            ],
            verdicts: [verdict], startedAt: "t0", finishedAt: "t1")
    }

    /// A small seeded generator (scores differ, and the same on every run).
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}

/// The router handed to the server task once configured (never touched again by this task).
private struct RouterBox: @unchecked Sendable {
    let router: Router<BasicRequestContext>
}
