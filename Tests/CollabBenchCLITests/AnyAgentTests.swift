import CollabBenchCore
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// The same pack against an OpenAI-compatible model, an Anthropic-protocol model, an HTTP agent
/// and a subprocess agent, all landing on one leaderboard; bad agents are contained and reported.
@Suite(.timeLimit(.minutes(5)), .serialized, .enabled(if: CLI.available && TokenizerFiles.directory != nil, "needs the binary and tokenizer files"))
struct AnyAgentTests {
    /// One loopback server speaking both protocols: /v1/messages answers as Anthropic.
    static func server() async throws -> LoopbackOpenAIServer {
        try await LoopbackOpenAIServer.start { request in
            if request.path.hasSuffix("/messages") { return .anthropic("The answer is \\boxed{72}.") }
            let first = request.messages.first?.content ?? ""
            if first.contains("You are evaluating how well") { return .chat(#"{"thought":"ok","score":2}"#) }
            if first.contains("You are playing a person") {
                let done = (request.messages.last?.content ?? "").contains("Assistant:")
                return .chat(done ? #"{"thought":"","message":"ok [[TERMINATE CHAT]]"}"# : #"{"thought":"","message":"area of a rectangle?"}"#)
            }
            return .chat("It is \\boxed{72}.")
        }
    }

    func run(_ server: LoopbackOpenAIServer, db: String, agent: [String], environment: [String: String] = [:]) async throws -> CLI.Output {
        try await CLI.run(
            ["run", "--pack", "math", "--limit", "2", "--user", "openai/sim@\(server.baseURL)", "--db", db,
             "--tokenizer-dir", TokenizerFiles.directory!, "--no-progress"] + agent,
            environment: environment)
    }

    @Test func fourKindsOfAgentLandOnOneLeaderboard() async throws {
        let server = try await Self.server()
        defer { Task { try? await server.stop() } }
        let db = try CLI.tempDir() + "/agents.sqlite"
        let python = ProcessInfo.processInfo.environment["COLLABBENCH_CODE_PYTHON"].flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil } ?? "python3"
        let agents: [[String]] = [
            ["--agent", "openai/model-a@\(server.baseURL)"],
            ["--agent", "anthropic/claude-x@\(server.baseURL)"],
            ["--agent", server.baseURL, "--agent-name", "team-service"],
            ["--agent-cmd", "\(python) \(CLI.root)/examples/agents/echo_agent.py", "--agent-name", "echo"],
        ]
        for agent in agents {
            let out = try await run(server, db: db, agent: agent, environment: ["ANTHROPIC_API_KEY": "sk-ant-test"])
            #expect(out.status == 0, "\(agent): \(out.stdout) \(out.stderr)")
            // Every call counts on the meter, a program agent's too: 2 conversations × (user, agent, user, judge).
            #expect(out.stdout.contains("Cost: 8 model calls"), "\(agent): \(out.stdout)")
        }
        let board = try await CLI.run(["leaderboard", "--db", db, "--json"])
        #expect(board.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(board.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 4, "\(board.stdout)")
        let names = rows.compactMap { $0["agent"] as? String }.joined(separator: " ")
        for expected in ["model-a", "claude-x", "team-service", "echo"] { #expect(names.contains(expected), "\(names)") }
        // The Anthropic key never reaches the store.
        let store = try ResultStore(path: db)
        for run in try store.runs() { #expect(!run.configJSON.contains("sk-ant-test")) }
    }

    @Test(arguments: [
        ("crash", "import sys; sys.stderr.write('boom\\n'); sys.exit(3)"),
        ("garbage", "import sys\nfor line in sys.stdin: print('not json', flush=True)"),
    ])
    func badSubprocessAgentsAreContainedAndReported(kind: String, script: String) async throws {
        let server = try await Self.server()
        defer { Task { try? await server.stop() } }
        let dir = try CLI.tempDir()
        try script.write(toFile: dir + "/agent.py", atomically: true, encoding: .utf8)
        let out = try await run(server, db: dir + "/bad.sqlite", agent: ["--agent-cmd", "python3 \(dir)/agent.py", "--agent-name", kind])
        // Every conversation fails as the agent's failure; the harness reports it and exits non-zero.
        #expect(out.status != 0)
        #expect(out.stdout.contains("0 conversations completed, 2 failed"), "\(out.stdout) \(out.stderr)")
        let store = try ResultStore(path: dir + "/bad.sqlite")
        let run = try #require(try store.runs().first)
        for c in try store.conversationScores(runID: run.id) {
            #expect(c.status == .failed)
            #expect(c.scores.isEmpty)
        }
    }

    @Test func repeatedAgentsShareOneInvocationAndASystemPromptFile() async throws {
        let server = try await Self.server()
        defer { Task { try? await server.stop() } }
        let dir = try CLI.tempDir()
        try "You are a careful tutor. Ask before answering.".write(toFile: dir + "/tutor.txt", atomically: true, encoding: .utf8)
        let out = try await run(server, db: dir + "/two.sqlite", agent: [
            "--agent", "openai/one@\(server.baseURL)", "--agent", "openai/two@\(server.baseURL)", "--agent-system-prompt", dir + "/tutor.txt",
        ])
        #expect(out.status == 0, "\(out.stdout) \(out.stderr)")
        let runs = try ResultStore(path: dir + "/two.sqlite").runs()
        #expect(runs.map(\.agent).sorted() == ["openai/one@\(server.baseURL)", "openai/two@\(server.baseURL)"])
        #expect(runs.allSatisfy { $0.agentPreset == "custom:tutor.txt" })
        let agentRequests = server.requests.filter { $0.messages.first?.content == "You are a careful tutor. Ask before answering." }
        #expect(!agentRequests.isEmpty)
    }
}

