import CollabBenchCore
import CollabBenchProcess
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `run --batch judges` killed with SIGKILL while its batch is pending: the same command
/// re-attaches to the stored batch (the server sees no second batch) and completes, with the
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

    func arguments(_ server: LoopbackBatchServer, db: String) -> [String] {
        [
            "run", "--pack", "math", "--agent", "openai/m@\(server.baseURL)", "--db", db, "--concurrency", "2", "--name", "batched",
            "--tokenizer-dir", TokenizerFiles.directory!, "--no-progress", "--batch", "judges",
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

    /// `--batch all` is not built: refused with one line before anything runs.
    @Test func batchAllIsRefusedWithOneLine() async throws {
        let dir = try CLI.tempDir()
        let out = try await CLI.run([
            "run", "--pack", "math", "--agent", "openai/m@http://127.0.0.1:9/v1", "--db", dir + "/x.sqlite", "--batch", "all",
        ])
        #expect(out.status == 64, "\(out.stderr)")
        let lines = out.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("collabbench: error: ") && lines[0].contains("--batch"), "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.sqlite"))
    }
}
