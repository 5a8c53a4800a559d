import CollabBenchCore
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// `run --personas`: each simulated user gets its own person's profile in its prompt, the store
/// records it, and `leaderboard --by <trait>` breaks the results down.
@Suite(.timeLimit(.minutes(5)), .enabled(if: CLI.available && TokenizerFiles.directory != nil, "needs the binary and tokenizer files"))
struct PersonaRunTests {
    /// A server playing user, agent and judge: the agent answers with a 120-word draft, so no
    /// conversation is an early stop.
    static func server() async throws -> LoopbackOpenAIServer {
        try await LoopbackOpenAIServer.start { request in
            let first = request.messages.first?.content ?? ""
            if first.contains("You are evaluating how well") { return .chat(#"{"thought":"ok","score":2}"#) }
            if first.contains("You are playing a person") {
                let done = (request.messages.last?.content ?? "").contains("Assistant:")
                return .chat(done ? #"{"thought":"","message":"thanks [[TERMINATE CHAT]]"}"# : #"{"thought":"","message":"help me write"}"#)
            }
            return .chat(Array(repeating: "Decisions written down help teams remember why.", count: 20).joined(separator: " "))
        }
    }

    /// The docs pack's tasks: the first line of each hidden intent → task id.
    static func taskFirstLines() throws -> [String: String] {
        let text = try String(contentsOfFile: CLI.root + "/Tasks/docs/tasks.jsonl", encoding: .utf8)
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let intent = try #require(object["hidden_intent"] as? String)
            out[String(intent.split(separator: "\n").first ?? "")] = object["id"] as? String
        }
        return out
    }

    /// The simulated user's system prompts, each with the task it was for.
    static func userPrompts(_ server: LoopbackOpenAIServer) throws -> [(task: String, prompt: String)] {
        let lines = try taskFirstLines()
        return server.requests.compactMap { request in
            guard let system = request.messages.first?.content, system.contains("You are playing a person") else { return nil }
            guard let task = lines.first(where: { system.contains($0.key) })?.value else { return nil }
            return (task, system)
        }
    }

    func arguments(_ server: LoopbackOpenAIServer, db: String, _ extra: [String]) -> [String] {
        [
            "run", "--pack", "docs", "--agent", "openai/m@\(server.baseURL)", "--db", db, "--tokenizer-dir", TokenizerFiles.directory!,
            "--no-progress",
        ]
            + extra
    }

    @Test func aPersonaFileGivesEachSimulatedUserItsOwnProfile() async throws {
        let dir = try CLI.tempDir()
        let personas = """
            [{"id": "p1", "background": [{"question": "Who reads it?", "answer": "MARKER-p1 my own team"}], "traits": {"team": "small"}},
             {"id": "p2", "background": [{"question": "Who reads it?", "answer": "MARKER-p2 the whole company"}],
              "preferences": [{"name": "Tone", "question": "Formal?", "answer": "Casual please"}], "traits": {"team": "large"}},
             {"id": "p3", "knowledge": [{"concept": "Writing", "status": "Struggling"}], "traits": {"team": "large"}}]
            """
        try personas.write(toFile: dir + "/personas.json", atomically: true, encoding: .utf8)
        try "expertise: [novice, expert]\ntypo_rate: [0, 0.05]\n".write(toFile: dir + "/traits.yaml", atomically: true, encoding: .utf8)
        let server = try await Self.server()
        let db = dir + "/p.sqlite"
        let out = try await CLI.run(
            arguments(server, db: db, ["--personas", dir + "/personas.json", "--persona-traits", dir + "/traits.yaml", "--trials", "3"]))
        #expect(out.status == 0, "\(out.stdout) \(out.stderr)")
        let store = try ResultStore(path: db)
        let run = try #require(try store.runs().first)
        let recorded = try store.conversationPersonas(runID: run.id)
        #expect(recorded.count == 9)
        #expect(recorded.values.allSatisfy { $0.traits["expertise"] != nil && $0.traits["typo_rate"] != nil })
        // The persona is pinned in the configuration (part of the identity and the profile).
        #expect(run.configJSON.contains(#""personas":{"#), "\(run.configJSON)")
        #expect(run.configJSON.contains("personas.json"))

        // Every simulated-user prompt holds exactly one person's profile: one recorded for its task.
        let prompts = try Self.userPrompts(server)
        #expect(prompts.count >= 9)
        for (task, prompt) in prompts {
            #expect(prompt.contains("Who you are (play this person"), "\(prompt)")
            #expect(prompt.contains("- expertise: "), "\(prompt)")
            let shown = ["p1", "p2", "p3"].filter { id in
                switch id {
                case "p3": prompt.contains("- Writing: Struggling")
                default: prompt.contains("MARKER-\(id)")
                }
            }
            #expect(shown.count == 1, "\(prompt)")
            let forTask = Set(recorded.filter { $0.key.hasPrefix(task + "#") }.map(\.value.id))
            #expect(forTask.contains(shown.first ?? ""), "task \(task): prompt shows \(shown), store has \(forTask)")
            if shown == ["p2"] { #expect(prompt.contains("- Tone: Casual please")) }
        }
        // Three trials of three tasks: more than one person is drawn.
        #expect(Set(recorded.values.map(\.id)).count >= 2)

        // The same seed draws the same people in a new store.
        let again = try await CLI.run(
            arguments(
                server, db: dir + "/q.sqlite",
                ["--personas", dir + "/personas.json", "--persona-traits", dir + "/traits.yaml", "--trials", "3"]))
        #expect(again.status == 0, "\(again.stderr)")
        let store2 = try ResultStore(path: dir + "/q.sqlite")
        let run2 = try #require(try store2.runs().first)
        #expect(try store2.conversationPersonas(runID: run2.id) == recorded)
        #expect(run2.configHash == run.configHash)

        // The breakdown: one line per value, the worst marked; --json gives the same groups.
        let board = try await CLI.run(["leaderboard", "--db", db, "--by", "team"])
        try await server.stop()
        #expect(board.status == 0, "\(board.stderr)")
        #expect(board.stdout.contains("By team:"), "\(board.stdout)")
        #expect(board.stdout.contains("small") && board.stdout.contains("large"), "\(board.stdout)")
        #expect(board.stdout.contains("← worst"), "\(board.stdout)")
        let plain = try await CLI.run(["leaderboard", "--db", db])
        #expect(board.stdout.hasPrefix(plain.stdout), "the breakdown comes after the unchanged leaderboard")
        let json = try await CLI.run(["leaderboard", "--db", db, "--by", "team", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        let groups = try #require(rows.first?["groups"] as? [[String: Any]])
        #expect(groups.map { $0["value"] as? String } == ["large", "small"])
        #expect(groups.reduce(0) { $0 + ($1["conversations"] as? Int ?? 0) } == 9)
        #expect(groups.filter { $0["worst"] as? Bool == true }.count == 1)
    }

    @Test func withoutPersonasNothingChanges() async throws {
        let server = try await Self.server()
        let dir = try CLI.tempDir()
        let out = try await CLI.run(arguments(server, db: dir + "/n.sqlite", []))
        #expect(out.status == 0, "\(out.stderr)")
        let store = try ResultStore(path: dir + "/n.sqlite")
        let run = try #require(try store.runs().first)
        #expect(!run.configJSON.contains("personas"))
        #expect(!run.configJSON.contains("simulatorReruns"))
        #expect(try store.conversationPersonas(runID: run.id).isEmpty)
        for (_, prompt) in try Self.userPrompts(server) { #expect(!prompt.contains("Who you are")) }
        let board = try await CLI.run(["leaderboard", "--db", dir + "/n.sqlite", "--by", "expertise"])
        try await server.stop()
        #expect(board.stdout.contains("(none)"), "\(board.stdout)")
        #expect(!board.stdout.contains("worst"), "one group has no worst")
    }

    @Test func badPersonaInputIsOneErrorLine() async throws {
        let dir = try CLI.tempDir()
        try "[{\"name\": \"no id\"}]".write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        let bad = try await CLI.run([
            "run", "--pack", "docs", "--agent", "openai/m@http://127.0.0.1:9/v1", "--db", dir + "/x.sqlite",
            "--personas", dir + "/bad.json",
        ])
        #expect(bad.status == 65, "\(bad.stderr)")
        #expect(bad.stderr.hasPrefix("collabbench: error: "), "\(bad.stderr)")
        #expect(bad.stderr.contains("bad.json"))
        let traitsOnly = try await CLI.run([
            "run", "--pack", "docs", "--agent", "openai/m@http://127.0.0.1:9/v1", "--db", dir + "/x.sqlite",
            "--persona-traits", dir + "/t.yaml",
        ])
        #expect(traitsOnly.status == 64, "\(traitsOnly.stderr)")
        #expect(traitsOnly.stderr.contains("--persona-traits"), "\(traitsOnly.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.sqlite"))
    }

    static let simulatorArena: String = URL(fileURLWithPath: CLI.root).deletingLastPathComponent()
        .appendingPathComponent("shared/data/simulatorarena").path

    @Test(.enabled(if: FileManager.default.fileExists(atPath: simulatorArena), "needs ../shared/data/simulatorarena"))
    func simulatorArenaWritersEachSendTheirOwnProfile() async throws {
        let server = try await Self.server()
        let dir = try CLI.tempDir()
        let db = dir + "/w.sqlite"
        let out = try await CLI.run(arguments(server, db: db, ["--personas", "simulatorarena-writers", "--trials", "2"]))
        #expect(out.status == 0, "\(out.stdout) \(out.stderr)")
        let store = try ResultStore(path: db)
        let run = try #require(try store.runs().first)
        let recorded = try store.conversationPersonas(runID: run.id)
        #expect(recorded.count == 6)
        #expect(run.configJSON.contains(#""name":"simulatorarena-writers""#), "\(run.configJSON)")
        #expect(run.configJSON.contains(#""count":459"#), "\(run.configJSON)")
        let prompts = try Self.userPrompts(server)
        for (key, persona) in recorded {
            let task = String(key.split(separator: "#")[0])
            let answer = try #require(persona.background.first?.answer, "writer \(persona.id) has background answers")
            #expect(prompts.contains { $0.task == task && $0.prompt.contains(answer) }, "task \(task) never sent \(persona.id)'s answers")
            #expect(persona.traits["document_type"] != nil)
        }
        // Each prompt holds one writer's profile: no other recorded writer's first answer.
        for (_, prompt) in prompts {
            let shown = Set(recorded.values.filter { p in p.background.first.map { prompt.contains($0.answer) } ?? false }.map(\.id))
            #expect(shown.count == 1)
        }
        let board = try await CLI.run(["leaderboard", "--db", db, "--by", "document_type"])
        try await server.stop()
        #expect(board.status == 0, "\(board.stderr)")
        #expect(board.stdout.contains("By document_type:"), "\(board.stdout)")
    }
}
