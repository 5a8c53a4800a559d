import CollabBenchCore
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Synchronization
import Testing

/// `run --retry-failed` runs only the failed conversations of a complete run again.
@Suite(.timeLimit(.minutes(5)), .enabled(if: CLI.available && TokenizerFiles.directory != nil, "needs the binary and tokenizer files"))
struct RetryFailedCLITests {
    @Test func retryFailedReplacesOnlyTheFailedConversations() async throws {
        // The agent answers HTTP 400 (not retried) to its first two calls, then works.
        let agentCalls = Mutex(0)
        let server = try await LoopbackOpenAIServer.start { request in
            let first = request.messages.first?.content ?? ""
            if first.contains("You are evaluating how well") { return .chat(#"{"thought":"ok","score":3}"#) }
            if first.contains("You are playing a person") {
                let done = (request.messages.last?.content ?? "").contains("Assistant:")
                return .chat(done ? #"{"thought":"","message":"ok [[TERMINATE CHAT]]"}"# : #"{"thought":"","message":"help"}"#)
            }
            let call = agentCalls.withLock { count in
                count += 1
                return count
            }
            return call <= 2 ? .error(400, message: "not this one") : .chat("Answer: \\boxed{15}")
        }
        defer { Task { try? await server.stop() } }
        let db = try CLI.tempDir() + "/r.sqlite"
        let arguments = [
            "run", "--pack", "math", "--agent", "openai/m@\(server.baseURL)", "--db", db, "--concurrency", "1", "--name", "flaky",
            "--tokenizer-dir", TokenizerFiles.directory!, "--no-progress",
        ]
        let first = try await CLI.run(arguments)
        #expect(first.status == 0, "\(first.stdout) \(first.stderr)")
        #expect(first.stdout.contains("4 conversations completed, 2 failed"), "\(first.stdout)")

        let plain = try await CLI.run(arguments)
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("already complete"), "\(plain.stdout)")
        #expect(agentCalls.withLock { $0 } == 2 + 4)

        let retry = try await CLI.run(arguments + ["--retry-failed"])
        #expect(retry.status == 0, "\(retry.stdout) \(retry.stderr)")
        #expect(retry.stdout.contains("Retrying 2 failed conversations of run flaky ("), "\(retry.stdout)")
        #expect(retry.stdout.contains("2 conversations completed, 0 failed (4 already stored, kept)"), "\(retry.stdout)")

        let store = try ResultStore(path: db)
        let runs = try store.runs()
        #expect(runs.count == 1)
        #expect(runs.first?.status == .completed)
        let conversations = try store.conversationScores(runID: runs[0].id)
        #expect(conversations.count == 6)
        #expect(conversations.allSatisfy { $0.status == .completed })
        #expect(try store.retriedConversations(runID: runs[0].id).map(\.attempt) == [1, 1])

        // Nothing failed any more: the flag changes nothing.
        let again = try await CLI.run(arguments + ["--retry-failed"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already complete"), "\(again.stdout)")
    }
}
