import CollabBenchCore
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Synchronization
import Testing

/// Per-role bounds on calls in flight, the budget, and the plain progress lines of `collabbench run`.
@Suite(.timeLimit(.minutes(5)), .serialized, .enabled(if: CLI.available && TokenizerFiles.directory != nil, "needs the binary and tokenizer files"))
struct RunControlsTests {
    /// Calls in flight now and at most, per role, as the server saw them.
    final class InFlight: Sendable {
        private let state = Mutex<(now: [String: Int], peak: [String: Int])>(([:], [:]))
        func enter(_ role: String) {
            state.withLock {
                $0.now[role, default: 0] += 1
                $0.peak[role] = max($0.peak[role] ?? 0, $0.now[role]!)
            }
        }
        func leave(_ role: String) { state.withLock { $0.now[role, default: 0] -= 1 } }
        func peak(_ role: String) -> Int { state.withLock { $0.peak[role] ?? 0 } }
    }

    /// A server playing user, agent and judge that holds every call `hold` before answering
    /// (every scripted reply reports 10 prompt and 5 completion tokens).
    static func server(hold: Duration, inFlight: InFlight = InFlight()) async throws -> LoopbackOpenAIServer {
        try await LoopbackOpenAIServer.start { request in
            let first = request.messages.first?.content ?? ""
            let role = first.contains("You are evaluating how well") ? "judge" : first.contains("You are playing a person") ? "user" : "agent"
            inFlight.enter(role)
            try? await Task.sleep(for: hold)
            inFlight.leave(role)
            switch role {
            case "judge": return .chat(#"{"thought":"ok","score":2}"#)
            case "user":
                let done = (request.messages.last?.content ?? "").contains("Assistant:")
                return .chat(done ? #"{"thought":"","message":"ok [[TERMINATE CHAT]]"}"# : #"{"thought":"","message":"help"}"#)
            default: return .chat("Answer: \\boxed{15}")
            }
        }
    }

    func arguments(_ server: LoopbackOpenAIServer, db: String, _ extra: [String]) -> [String] {
        ["run", "--pack", "math", "--agent", "openai/m@\(server.baseURL)", "--db", db, "--tokenizer-dir", TokenizerFiles.directory!, "--no-progress"]
            + extra
    }

    @Test func perRoleBoundsHoldCallsInFlight() async throws {
        let bounded = InFlight()
        let server = try await Self.server(hold: .milliseconds(120), inFlight: bounded)
        let dir = try CLI.tempDir()
        let out = try await CLI.run(arguments(server, db: dir + "/b.sqlite", ["--concurrency", "6", "--judge-concurrency", "1", "--user-concurrency", "2"]))
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("6 conversations completed"), "\(out.stdout)")
        #expect(bounded.peak("judge") == 1)
        #expect(bounded.peak("user") <= 2)
        // Without the bounds the six conversations, all alike, reach their judges together.
        let free = InFlight()
        let server2 = try await Self.server(hold: .milliseconds(120), inFlight: free)
        let out2 = try await CLI.run(arguments(server2, db: dir + "/f.sqlite", ["--concurrency", "6"]))
        try await server.stop()
        try await server2.stop()
        #expect(out2.status == 0, "\(out2.stderr)")
        #expect(free.peak("judge") > 1)
        #expect(free.peak("user") > 2)
    }

    @Test func budgetStopsTheRunAndALargerBudgetContinuesIt() async throws {
        let server = try await Self.server(hold: .milliseconds(5))
        let dir = try CLI.tempDir()
        // $0.05 per prompt token and $0.10 per completion token: every call costs $1.
        try "models:\n  m: {input: 50000, output: 100000}\n".write(toFile: dir + "/prices.yaml", atomically: true, encoding: .utf8)
        let base = ["--concurrency", "1", "--name", "budgeted", "--pricing", dir + "/prices.yaml"]
        let first = try await CLI.run(arguments(server, db: dir + "/c.sqlite", base + ["--budget", "3"]))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("1 conversations completed"), "\(first.stdout)")
        #expect(first.stdout.contains("Budget of $3.00 reached: 5 conversations not started"), "\(first.stdout)")
        #expect(first.stdout.contains("Cost: 4 model calls"), "\(first.stdout)")
        #expect(first.stdout.contains("$4.00"), "\(first.stdout)")
        // The budget covers the whole run: the same budget again starts nothing.
        let same = try await CLI.run(arguments(server, db: dir + "/c.sqlite", base + ["--budget", "3"]))
        #expect(same.stdout.contains("0 conversations completed"), "\(same.stdout)")
        #expect(same.stdout.contains("Budget of $3.00 reached: 5 conversations not started"), "\(same.stdout)")
        let second = try await CLI.run(arguments(server, db: dir + "/c.sqlite", base + ["--budget", "100"]))
        try await server.stop()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("Continuing run budgeted"), "\(second.stdout)")
        #expect(second.stdout.contains("5 conversations completed"), "\(second.stdout)")
        let store = try ResultStore(path: dir + "/c.sqlite")
        let run = try #require(try store.run("budgeted"))
        #expect(run.status == .completed)
        #expect(try store.runCost(runID: run.id).usd == 24)
        let board = try await CLI.run(["leaderboard", "--db", dir + "/c.sqlite"])
        #expect(board.stdout.contains("$ / conv"), "\(board.stdout)")
        #expect(board.stdout.contains("4.0000"), "\(board.stdout)")
    }

    @Test func logsGetPeriodicPlainProgressLines() async throws {
        let server = try await Self.server(hold: .milliseconds(100))
        let dir = try CLI.tempDir()
        let out = try await CLI.run(arguments(server, db: dir + "/p.sqlite", ["--concurrency", "1", "--progress-interval", "0.3"]))
        try await server.stop()
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n").filter { $0.hasPrefix("progress ") }
        #expect(lines.count >= 3, "\(out.stdout)")
        #expect(lines.last?.contains("6/6 conversations") == true, "\(out.stdout)")
        #expect(!out.stdout.contains("\u{1B}["), "no escape codes in logs")
    }
}
