import CollabBenchCore
import CollabBenchProcess
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `run --batch judges` and `--batch all` killed with SIGKILL while a batch is pending: the same
/// command re-attaches to the stored batch (the server sees no second one) and completes, with the
/// leaderboard of an uninterrupted batched run.
@Suite(
    .serialized, .timeLimit(.minutes(5)),
    .enabled(if: CLI.available && TokenizerFiles.directory != nil, "needs the binary and tokenizer files"))
struct BatchKillResumeTests {
    /// User, agent and interactivity judge; the judge's score depends on the conversation.
    static func replies(_ request: RecordedRequest) -> ScriptedResponse {
        let first = request.messages.first?.content ?? ""
        if first.contains("You are evaluating how well") { return .chat(#"{"thought":"ok","score":\#(first.utf8.count % 3 + 1)}"#) }
        if first.contains("You are playing a person") {
            let done = (request.messages.last?.content ?? "").contains("Assistant:")
            return .chat(
                done
                    ? #"{"thought":"","message":"ok [[TERMINATE CHAT]]"}"#
                    : #"{"thought":"","message":"help with \#(first.utf8.count % 97)"}"#)
        }
        return .chat("Answer: \\boxed{15}")
    }

    static func isJudgeCall(_ request: RecordedRequest) -> Bool {
        (request.messages.first?.content ?? "").contains("You are evaluating how well")
    }

    func arguments(_ server: LoopbackBatchServer, db: String, batch: String = "judges") -> [String] {
        [
            "run", "--pack", "math", "--agent", "openai/m@\(server.baseURL)", "--db", db, "--concurrency", "2", "--name", "batched",
            "--tokenizer-dir", TokenizerFiles.directory!, "--no-progress", "--batch", batch,
        ]
    }

    /// `leaderboard --json` with run ids replaced by a placeholder.
    func board(_ db: String) async throws -> String {
        let out = try await CLI.run(["leaderboard", "--db", db, "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        return out.stdout.replacingOccurrences(of: #"run-\d{8}-\d{6}-[0-9a-f]{4}"#, with: "RUN", options: .regularExpression)
    }

    @Test func killedWhileItsBatchIsPendingTheRunReattachesAndCompletes() async throws {
        // Batches stay in progress until released, so the kill always finds the batch pending.
        let server = try await LoopbackBatchServer.start(holding: true, replies: Self.replies)
        defer { Task { try? await server.stop() } }
        let dir = try CLI.tempDir()
        let killed = dir + "/killed.sqlite"
        let process = try ChildProcess.start(
            .init(executable: CLI.binary!, arguments: arguments(server, db: killed), workingDirectory: CLI.root))
        // No deadline of its own: the suite's time limit ends a run that never gets there, and a
        // run that exits early ends the wait. The batch is stored before it is polled; once the
        // server has been polled, the run is waiting for it.
        var pending: StoredBatch?
        while pending == nil || server.polls == 0 {
            try Task.checkCancellation()
            if await process.waitForExit(upTo: .milliseconds(20)) != nil { break }
            if FileManager.default.fileExists(atPath: killed), let store = try? ResultStore(path: killed, mode: .readOnly) {
                pending = (try? store.batches())?.first
            }
        }
        process.signal(SIGKILL, toGroup: false)
        _ = await process.waitForExit()
        #expect(pending?.state == "in_progress" && pending?.requestCount == 6, "\(String(describing: pending))")
        #expect(server.batchesCreated == 1)
        let before = try ResultStore(path: killed, mode: .readOnly)
        #expect(try before.integrityCheck() == "ok")
        let runID = try #require(try before.runs().first?.id)
        #expect(try before.finishedKeys(runID: runID).isEmpty, "every conversation waits for its judge")

        // The same command: the judge calls find their stored lines and wait for that batch.
        server.release()
        let resumed = try await CLI.run(arguments(server, db: killed))
        #expect(resumed.status == 0 && resumed.stdout.contains("Continuing run batched"), "\(resumed.stdout) \(resumed.stderr)")
        #expect(
            resumed.stdout.contains("Batches: 0 submitted, 1 re-attached; 6 calls answered by a batch, 0 made directly."),
            "\(resumed.stdout)")
        #expect(server.batchesCreated == 1)
        #expect(!server.directRequests.contains(where: Self.isJudgeCall))
        let after = try ResultStore(path: killed, mode: .readOnly)
        #expect(try after.finishedKeys(runID: runID).count == 6)
        #expect(try after.run(runID)?.status == .completed)
        #expect(try after.batches().map(\.state) == ["completed"])

        // The same command, never interrupted.
        let whole = dir + "/whole.sqlite"
        let first = try await CLI.run(arguments(server, db: whole))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(
            first.stdout.contains("Batches: 1 submitted, 0 re-attached; 6 calls answered by a batch, 0 made directly."), "\(first.stdout)")
        #expect(server.batchesCreated == 2)
        #expect(try await board(killed) == board(whole))
    }

    /// `run --batch all` killed while the agent's turn is in a pending batch (the users' first
    /// turn was answered by the batch before): the same command replays the users' turn from the
    /// response cache, re-attaches to the agents' batch and completes with the leaderboard of an
    /// uninterrupted run. Every call goes in a batch: user, agent, user (who ends it), judge.
    @Test func batchAllKilledMidConversationReattachesAndCompletes() async throws {
        let server = try await LoopbackBatchServer.start(replies: Self.replies)
        defer { Task { try? await server.stop() } }
        // The first batch (the users' first turn) ends; the second (the agents' replies) stays pending.
        server.hold(from: 1)
        let dir = try CLI.tempDir()
        let killed = dir + "/killed.sqlite"
        let process = try ChildProcess.start(
            .init(executable: CLI.binary!, arguments: arguments(server, db: killed, batch: "all"), workingDirectory: CLI.root))
        // As above: no deadline of its own. The second batch is stored before it is polled, and
        // the first ended at its first poll, so a second poll means the run waits for the second.
        var stored: [StoredBatch] = []
        while stored.count < 2 || server.polls < 2 {
            try Task.checkCancellation()
            if await process.waitForExit(upTo: .milliseconds(20)) != nil { break }
            if FileManager.default.fileExists(atPath: killed), let store = try? ResultStore(path: killed, mode: .readOnly) {
                stored = (try? store.batches()) ?? []
            }
        }
        process.signal(SIGKILL, toGroup: false)
        _ = await process.waitForExit()
        #expect(stored.map(\.state) == ["completed", "in_progress"] && stored.allSatisfy { $0.requestCount == 6 }, "\(stored)")
        #expect(server.batchesCreated == 2)
        #expect(!server.directRequests.contains { !$0.messages.isEmpty }, "no chat call went directly")
        let before = try ResultStore(path: killed, mode: .readOnly)
        #expect(try before.integrityCheck() == "ok")
        let runID = try #require(try before.runs().first?.id)
        #expect(try before.finishedKeys(runID: runID).isEmpty)

        server.release()
        let resumed = try await CLI.run(arguments(server, db: killed, batch: "all"))
        #expect(resumed.status == 0 && resumed.stdout.contains("Continuing run batched"), "\(resumed.stdout) \(resumed.stderr)")
        // The agents' batch re-attached; the users' closing turn and the judge in two new batches.
        #expect(
            resumed.stdout.contains("Batches: 2 submitted, 1 re-attached; 18 calls answered by a batch, 0 made directly."),
            "\(resumed.stdout)")
        #expect(server.batchesCreated == 4)
        #expect(!server.directRequests.contains { !$0.messages.isEmpty }, "no chat call went directly")
        let after = try ResultStore(path: killed, mode: .readOnly)
        #expect(try after.finishedKeys(runID: runID).count == 6)
        #expect(try after.run(runID)?.status == .completed)
        #expect(try after.batches().map(\.state) == Array(repeating: "completed", count: 4))

        // The same command, never interrupted: one batch per round.
        let whole = dir + "/whole.sqlite"
        let first = try await CLI.run(arguments(server, db: whole, batch: "all"))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(
            first.stdout.contains("Batches: 4 submitted, 0 re-attached; 24 calls answered by a batch, 0 made directly."), "\(first.stdout)")
        #expect(server.batchesCreated == 8)
        #expect(!server.directRequests.contains { !$0.messages.isEmpty }, "no chat call went directly")
        #expect(try await board(killed) == board(whole))
    }
}
