import CollabBenchCore
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Synchronization
import Testing

/// `run --simulator-gate`: a scripted simulated user that answers its own request is flagged, or
/// re-run with new seeds and then excluded, and the leaderboard says how many of each.
@Suite(.timeLimit(.minutes(5)), .enabled(if: CLI.available && TokenizerFiles.directory != nil, "needs the binary and tokenizer files"))
struct SimulatorGateRunTests {
    /// The first task the server sees always gets a user that gives the answer itself; every
    /// other task's user does so in its first conversation only.
    static func server() async throws -> LoopbackOpenAIServer {
        try await LoopbackOpenAIServer.start(handler: handler())
    }

    /// The replies of ``server()``, with their own state.
    static func handler() -> LoopbackOpenAIServer.Handler {
        let state = Mutex<(stubborn: String?, openings: [String: Int])>((nil, [:]))
        return { request in
            let first = request.messages.first?.content ?? ""
            if first.contains("You are evaluating how well") { return .chat(#"{"thought":"ok","score":2}"#) }
            if first.contains("You are playing a person") {
                let last = request.messages.last?.content ?? ""
                if last.contains("Assistant:") { return .chat(#"{"thought":"","message":"ok [[TERMINATE CHAT]]"}"#) }
                let selfAnswer = state.withLock { s in
                    if s.stubborn == nil { s.stubborn = first }
                    s.openings[first, default: 0] += 1
                    return s.stubborn == first || s.openings[first] == 1
                }
                return .chat(selfAnswer ? #"{"thought":"","message":"is it \\boxed{7}?"}"# : #"{"thought":"","message":"help"}"#)
            }
            return .chat("Answer: \\boxed{15}")
        }
    }

    func run(_ db: String, _ extra: [String]) async throws -> (CLI.Output, LoopbackOpenAIServer) {
        let server = try await Self.server()
        let out = try await CLI.run(
            [
                "run", "--pack", "math", "--agent", "openai/m@\(server.baseURL)", "--db", db, "--tokenizer-dir", TokenizerFiles.directory!,
                "--no-progress", "--limit", "2", "--concurrency", "1",
            ] + extra)
        try await server.stop()
        return (out, server)
    }

    @Test func rerunTriesNewSeedsThenExcludes() async throws {
        let dir = try CLI.tempDir()
        let db = dir + "/r.sqlite"
        let (out, server) = try await run(db, ["--simulator-gate", "rerun", "--simulator-reruns", "2"])
        #expect(out.status == 0, "\(out.stdout) \(out.stderr)")
        let store = try ResultStore(path: db)
        let run = try #require(try store.runs().first)
        let gate = try store.gateRecords(runID: run.id)
        #expect(gate.values.map(\.outcome).sorted() == ["excluded", "rerun"])
        #expect(gate.values.first { $0.outcome == "excluded" }?.attempts == 3)
        #expect(gate.values.first { $0.outcome == "rerun" }?.attempts == 2)
        #expect(gate.values.allSatisfy { $0.reasons == ["self_answer"] })
        // 3 + 2 conversations were held, each opening with its own seed.
        let openings = server.requests.filter {
            ($0.messages.first?.content ?? "").contains("You are playing a person")
                && !($0.messages.last?.content ?? "").contains("Assistant:")
        }
        #expect(openings.count == 5)
        #expect(Set(openings.compactMap { $0.json?["seed"] as? Int }).count == 5)
        #expect(run.configJSON.contains(#""simulatorReruns":2"#))
        // Each stored conversation is the last attempt: the excluded one is stored but not scored.
        #expect(try store.conversationScores(runID: run.id).count == 2)
        let board = try await CLI.run(["leaderboard", "--db", db])
        #expect(board.stdout.contains("simulator gate, openai/m: 0 flagged, 1 re-run, 1 excluded (self_answer 2)"), "\(board.stdout)")
        let json = try await CLI.run(["leaderboard", "--db", db, "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["conversations"] as? Int == 1, "the excluded conversation is left out")
        let counts = try #require(rows.first?["simulatorGate"] as? [String: Any])
        #expect(counts["excluded"] as? Int == 1 && counts["rerun"] as? Int == 1)
    }

    /// The gate's re-runs with batched calls (`--batch judges`: the judges' calls in batches;
    /// `--batch all`: every call, both conversations advancing one turn per batch): the same
    /// verdicts, attempts and board as with direct calls, every re-run opening with its own seed.
    @Test(arguments: ["judges", "all"])
    func rerunWorksTheSameWithBatchedCalls(batch: String) async throws {
        let dir = try CLI.tempDir()
        let db = dir + "/b.sqlite"
        let server = try await LoopbackBatchServer.start(replies: Self.handler())
        let out = try await CLI.run([
            "run", "--pack", "math", "--agent", "openai/m@\(server.baseURL)", "--db", db, "--tokenizer-dir", TokenizerFiles.directory!,
            "--no-progress", "--limit", "2", "--concurrency", "1", "--simulator-gate", "rerun", "--simulator-reruns", "2", "--batch", batch,
        ])
        try await server.stop()
        #expect(out.status == 0, "\(out.stdout) \(out.stderr)")
        #expect(server.batchesCreated > 0)
        let store = try ResultStore(path: db)
        let run = try #require(try store.runs().first)
        let gate = try store.gateRecords(runID: run.id)
        #expect(gate.values.map(\.outcome).sorted() == ["excluded", "rerun"])
        #expect(gate.values.first { $0.outcome == "excluded" }?.attempts == 3)
        #expect(gate.values.first { $0.outcome == "rerun" }?.attempts == 2)
        let openings = (server.directRequests + server.batchedRequests).filter {
            ($0.messages.first?.content ?? "").contains("You are playing a person")
                && !($0.messages.last?.content ?? "").contains("Assistant:")
        }
        #expect(openings.count == 5)
        #expect(Set(openings.compactMap { $0.json?["seed"] as? Int }).count == 5)
        if batch == "all" { #expect(server.directRequests.allSatisfy { !$0.path.contains("chat") }, "every chat call was a batch line") }
        let board = try await CLI.run(["leaderboard", "--db", db])
        #expect(board.stdout.contains("simulator gate, openai/m: 0 flagged, 1 re-run, 1 excluded (self_answer 2)"), "\(board.stdout)")
    }

    @Test func flagKeepsAndMarksAndOffRecordsNothing() async throws {
        let dir = try CLI.tempDir()
        let (flagged, _) = try await run(dir + "/f.sqlite", [])
        #expect(flagged.status == 0, "\(flagged.stderr)")
        let store = try ResultStore(path: dir + "/f.sqlite")
        let flaggedRun = try #require(try store.runs().first)
        #expect(try store.gateRecords(runID: flaggedRun.id).values.map(\.outcome) == ["flagged", "flagged"])
        #expect(!flaggedRun.configJSON.contains("simulatorReruns"), "flagging changes no score: not in the identity")
        let board = try await CLI.run(["leaderboard", "--db", dir + "/f.sqlite"])
        #expect(board.stdout.contains("simulator gate, openai/m: 2 flagged, 0 re-run, 0 excluded (self_answer 2)"), "\(board.stdout)")

        let (off, _) = try await run(dir + "/o.sqlite", ["--simulator-gate", "off"])
        #expect(off.status == 0, "\(off.stderr)")
        let offStore = try ResultStore(path: dir + "/o.sqlite")
        let offRun = try #require(try offStore.runs().first)
        #expect(try offStore.gateRecords(runID: offRun.id).isEmpty)
        #expect(
            !offRun.configJSON.contains("simulatorGate") && !offRun.configJSON.contains("simulatorReruns"),
            "off and flag share the identity")
        let offBoard = try await CLI.run(["leaderboard", "--db", dir + "/o.sqlite"])
        #expect(!offBoard.stdout.contains("simulator gate"), "\(offBoard.stdout)")
    }
}
