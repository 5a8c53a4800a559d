import CollabBenchCore
import CollabBenchProcess
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An interrupted and an uninterrupted run of the same command give the same leaderboard, byte
/// for byte apart from run ids — cost columns included (a call replayed from the cache after a
/// resume is as unpriced as the call it replays).
@Suite(.serialized, .timeLimit(.minutes(5)), .enabled(if: CLI.available && TokenizerFiles.directory != nil, "needs the binary and tokenizer files"))
struct KillAndResumeLeaderboardTests {
    func arguments(_ server: LoopbackOpenAIServer, db: String) -> [String] {
        ["run", "--pack", "math", "--agent", "openai/m@\(server.baseURL)", "--db", db, "--concurrency", "2", "--name", "same",
         "--tokenizer-dir", TokenizerFiles.directory!, "--no-progress"]
    }

    /// `leaderboard --json` with run ids replaced by a placeholder.
    func board(_ db: String) async throws -> String {
        let out = try await CLI.run(["leaderboard", "--db", db, "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        return out.stdout.replacingOccurrences(of: #"run-\d{8}-\d{6}-[0-9a-f]{4}"#, with: "RUN", options: .regularExpression)
    }

    @Test func killedAndResumedRunHasTheUninterruptedLeaderboard() async throws {
        // Two conversations get their judge's reply; the others wait at the judge with their
        // user and agent calls cached, so the kill always finds cached calls in flight.
        let gate = JudgeGate(free: 2)
        let server = try await ResumeAndReplayTests.server(delay: .milliseconds(50), judgeGate: gate)
        defer { Task { try? await server.stop() } }
        let dir = try CLI.tempDir()

        let killed = dir + "/killed.sqlite"
        let process = try ChildProcess.start(.init(executable: CLI.binary!, arguments: arguments(server, db: killed), workingDirectory: CLI.root))
        // Each conversation here makes 4 calls (user, agent, user, judge): more cached calls than
        // the stored conversations made means a conversation in flight has cached calls.
        var stored = 0
        var cached = 0
        // No deadline of its own: the suite's time limit ends a run that never gets there, and
        // a run that exits early ends the wait.
        while !(stored >= 2 && cached > 4 * stored) {
            try Task.checkCancellation()
            if await process.waitForExit(upTo: .milliseconds(20)) != nil { break }
            if FileManager.default.fileExists(atPath: killed), let store = try? ResultStore(path: killed, mode: .readOnly), let run = try? store.runs().first {
                cached = (try? store.cachedResponseCount()) ?? 0
                stored = (try? store.finishedKeys(runID: run.id).count) ?? 0
            }
        }
        process.signal(SIGKILL, toGroup: false)
        _ = await process.waitForExit()
        #expect(stored >= 2 && stored < 6 && cached > 4 * stored, "stored \(stored), cached \(cached) before the kill")
        await gate.open()
        let resumed = try await CLI.run(arguments(server, db: killed))
        #expect(resumed.status == 0 && resumed.stdout.contains("Continuing run same"), "\(resumed.stdout) \(resumed.stderr)")
        #expect(resumed.stdout.contains("from the cache"), "\(resumed.stdout)")

        // The same command, never interrupted, against the same server.
        let whole = dir + "/whole.sqlite"
        let first = try await CLI.run(arguments(server, db: whole))
        #expect(first.status == 0, "\(first.stderr)")

        let expected = try await board(whole)
        let actual = try await board(killed)
        #expect(expected.contains("\"unpricedCalls\""))
        #expect(actual == expected)
    }
}
