import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// What a hostile but realistic user hit (issue 16): bad specs, keys in URLs and error bodies,
/// stores that are not CollabBench's, read-only stores, bad packs and paths. Each gets one clear
/// line (or works), never a crash, and no store is touched that should not be.
@Suite(.timeLimit(.minutes(5)), .enabled(if: CLI.available, "needs the built collabbench binary (swift build)"))
struct HardeningTests {
    func expectOneLineError(_ output: CLI.Output, mentioning needle: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.status != 0, sourceLocation: sourceLocation)
        // Exit 132 and friends are crashes (a trap), not errors.
        #expect(output.status < 128, "crashed: \(output.status)", sourceLocation: sourceLocation)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        #expect(output.stderr.contains(needle), "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        #expect(!output.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
    }

    /// Runs `python3 -c script args...` without blocking a thread.
    static func python(_ script: String, _ arguments: [String]) async throws -> Int32 {
        try await TestProcess.run("/usr/bin/env", ["python3", "-c", script] + arguments).status
    }

    /// A SQLite file of another program, with tables `users` and `orders`.
    static func foreignDatabase(in dir: String) async throws -> String {
        let path = dir + "/shop.sqlite"
        let status = try await python(
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL); INSERT INTO users (name) VALUES (\"ann\");'); c.commit()",
            [path])
        #expect(status == 0)
        return path
    }

    /// The table names of the SQLite file at `path`, one per line, via Python's sqlite3.
    static func tables(_ path: String, in dir: String) async throws -> String {
        let out = dir + "/tables-\(UUID().uuidString).txt"
        let status = try await python(
            "import sqlite3, sys; c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True); open(sys.argv[2], 'w').write('\\n'.join(r[0] for r in c.execute(\"SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name\")))",
            [path, out])
        #expect(status == 0)
        return try String(contentsOfFile: out, encoding: .utf8)
    }

    // MARK: - Model specs

    @Test(arguments: [
        ("openai/x@http://127.0.0.1:99999/v1", "port '99999'"),
        ("openai/x@http://127.0.0.1:-1/v1", "port '-1'"),
        ("openai/x@http://127.0.0.1:abc/v1", "port 'abc'"),
        ("openai/x@http:///v1", "no host"),
        ("openai/x@gopher://127.0.0.1/v1", "http(s) URL"),
    ])
    func badSpecsAreOneLineNotACrash(spec: String, mentions: String) async throws {
        let dir = try CLI.tempDir()
        let out = try await CLI.run(["run", "--pack", "math", "--agent", spec, "--db", dir + "/r.sqlite", "--tokenizer-dir", dir])
        expectOneLineError(out, mentioning: mentions)
        #expect(out.stderr.contains("model spec '"), "\(out.stderr)")
    }

    /// A loopback server playing user, agent and judge, recording the keys it was sent.
    static func conversationServer() async throws -> LoopbackOpenAIServer {
        try await LoopbackOpenAIServer.start { request in
            let first = request.messages.first?.content ?? ""
            if first.contains("You are evaluating how well") { return .chat(#"{"thought":"ok","score":2}"#) }
            if first.contains("You are playing a person") { return .chat(#"{"thought":"","message":"ok [[TERMINATE CHAT]]"}"#) }
            return .chat("Answer: \\boxed{15}")
        }
    }

    @Test(.enabled(if: TokenizerFiles.directory != nil, "needs tokenizer files"))
    func aKeyInTheURLIsUsedButNeverStoredOrPrinted() async throws {
        let secret = "sk-url-secret-0123456789"
        let server = try await Self.conversationServer()
        defer { Task { try? await server.stop() } }
        let dir = try CLI.tempDir()
        let db = dir + "/r.sqlite"
        let spec = "openai/m@" + server.baseURL.replacingOccurrences(of: "http://", with: "http://bob:\(secret)@")
        let run = try await CLI.run(
            ["run", "--pack", "math", "--limit", "1", "--agent", spec, "--db", db, "--tokenizer-dir", TokenizerFiles.directory!, "--no-progress"],
            environment: ["OPENAI_API_KEY": ""])
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret) && !run.stdout.contains("bob"))
        // The credential was the key of every call.
        #expect(!server.requests.isEmpty)
        #expect(server.requests.allSatisfy { $0.headers["authorization"] == "Bearer \(secret)" })
        // Nowhere in the store file, nor in what the reports print.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: db))
        #expect(bytes.range(of: Data(secret.utf8)) == nil)
        let board = try await CLI.run(["leaderboard", "--db", db, "--json"])
        #expect(board.status == 0 && !board.stdout.contains(secret) && !board.stdout.contains("bob:"))
        let html = try await CLI.run(["export", "--db", db, "--format", "html"])
        #expect(html.status == 0 && !html.stdout.contains(secret))
    }

    @Test(.enabled(if: TokenizerFiles.directory != nil, "needs tokenizer files"))
    func aServerEchoingTheKeyDoesNotPutItOnStderr() async throws {
        let secret = "sk-echoed-0123456789abcdef"
        // /models is answered by the server itself; the first chat call gets the echo.
        let server = try await LoopbackOpenAIServer.start { request in
            .error(401, message: "Incorrect API key provided: \((request.headers["authorization"] ?? "").replacingOccurrences(of: "Bearer ", with: "")).")
        }
        defer { Task { try? await server.stop() } }
        let dir = try CLI.tempDir()
        let out = try await CLI.run(
            ["run", "--pack", "math", "--limit", "1", "--agent", "openai/x@\(server.baseURL)", "--db", dir + "/r.sqlite",
             "--tokenizer-dir", TokenizerFiles.directory!, "--no-progress"],
            environment: ["OPENAI_API_KEY": secret])
        #expect(out.status != 0)
        #expect(out.stderr.contains("HTTP 401"), "\(out.stderr)")
        #expect(!out.stderr.contains(secret) && !out.stdout.contains(secret), "\(out.stderr)")
        if FileManager.default.fileExists(atPath: dir + "/r.sqlite") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/r.sqlite"))
            #expect(bytes.range(of: Data(secret.utf8)) == nil)
        }
    }

    // MARK: - Stores

    @Test func anotherProgramsDatabaseIsRefusedByEveryCommandAndLeftAlone() async throws {
        let dir = try CLI.tempDir()
        let shop = try await Self.foreignDatabase(in: dir)
        let tables = try await Self.tables(shop, in: dir)
        #expect(tables == "orders\nusers")
        for arguments in [
            ["leaderboard", "--db", shop], ["export", "--db", shop, "--format", "csv"], ["tag", "--list", "--db", shop],
            ["merge", shop, "--into", dir + "/merged.sqlite"],
        ] {
            let out = try await CLI.run(arguments)
            expectOneLineError(out, mentioning: "\(shop) is not a CollabBench store")
            #expect(try await Self.tables(shop, in: dir) == tables, "\(arguments)")
        }
        // The merge stopped before creating its destination.
        #expect(!FileManager.default.fileExists(atPath: dir + "/merged.sqlite"))
    }

    @Test(.enabled(if: TokenizerFiles.directory != nil, "needs tokenizer files"))
    func readOnlyCommandsWorkOnAReadOnlyStoreAndChangeNothing() async throws {
        let server = try await Self.conversationServer()
        defer { Task { try? await server.stop() } }
        let dir = try CLI.tempDir()
        let db = dir + "/r.sqlite"
        let run = try await CLI.run(
            ["run", "--pack", "math", "--limit", "1", "--agent", "openai/m@\(server.baseURL)", "--db", db, "--name", "ro",
             "--tokenizer-dir", TokenizerFiles.directory!, "--no-progress"])
        #expect(run.status == 0, "\(run.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: db)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        for arguments in [
            ["leaderboard", "--db", db], ["leaderboard", "--db", db, "--json"], ["export", "--db", db, "--format", "csv"],
            ["tag", "--list", "--db", db], ["compare", "ro", "ro", "--db", db],
        ] {
            let out = try await CLI.run(arguments)
            #expect(out.status == 0, "\(arguments): \(out.stderr)")
            #expect(!out.stderr.contains("readonly"), "\(arguments): \(out.stderr)")
        }
        // The gate reads too; its summary cannot go into a folder.
        let gate = try await CLI.run(["gate", "--db", db, "--baseline", "ro", "--candidate", "ro", "--max-drop", "task=0"])
        #expect(!gate.stderr.contains("readonly"), "\(gate.stderr)")
        let summary = try await CLI.run(["gate", "--db", db, "--baseline", "ro", "--candidate", "ro", "--max-drop", "task=0", "--summary", dir])
        expectOneLineError(summary, mentioning: "cannot write \(dir): it is a folder, not a file")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
        // A newer schema is refused by name.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: db)
        let status = try await Self.python(
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE meta SET value = '999' WHERE key = 'schema_version'\"); c.commit()", [db])
        #expect(status == 0)
        expectOneLineError(try await CLI.run(["leaderboard", "--db", db]), mentioning: "newer CollabBench (schema version 999")
    }

    @Test func mergeIntoItselfIsRefused() async throws {
        let dir = try CLI.tempDir()
        let db = dir + "/s.sqlite"
        _ = try ResultStore(path: db)
        let out = try await CLI.run(["merge", db, "--into", db])
        expectOneLineError(out, mentioning: "into itself")
        let alias = try await CLI.run(["merge", dir + "/./s.sqlite", "--into", db])
        expectOneLineError(alias, mentioning: "into itself")
    }

    @Test func leaderboardOfAnUnknownPackSaysSo() async throws {
        let dir = try CLI.tempDir()
        let db = dir + "/s.sqlite"
        _ = try ResultStore(path: db)
        let out = try await CLI.run(["leaderboard", "--db", db, "--pack", "nope"])
        expectOneLineError(out, mentioning: "no run of pack 'nope'")
    }

    // MARK: - Packs and paths

    func pack(_ manifest: String, tasks: String = #"{"id":"a","prompt":"q","hidden_intent":"h","reference":{"text":"s","answer":"1"}}"#) throws -> String {
        let dir = try CLI.tempDir()
        try manifest.write(toFile: dir + "/pack.json", atomically: true, encoding: .utf8)
        try tasks.write(toFile: dir + "/tasks.jsonl", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func anUnknownKindNamesTheAllowedOnes() async throws {
        let dir = try pack(#"{"name":"p","version":"1","kind":"physics"}"#)
        let out = try await CLI.run(["tasks", "validate", dir])
        #expect(out.status != 0)
        #expect(out.stdout.contains("'kind' is 'physics'; allowed: math, code, docs"), "\(out.stdout)")
        #expect(!out.stdout.contains("Cannot initialize"))
    }

    @Test func everyWrongTypeIsReported() async throws {
        let dir = try pack(#"{"name":5,"version":true,"kind":"math","max_exchanges":"six","metric":{"code_timeout_seconds":"long"}}"#)
        let out = try await CLI.run(["tasks", "validate", dir])
        #expect(out.status != 0)
        for needle in ["'name' must be a string", "'version' must be a string", "'max_exchanges' must be an integer", "'metric.code_timeout_seconds' must be a number"] {
            #expect(out.stdout.contains(needle), "\(needle): \(out.stdout)")
        }
    }

    @Test func aTasksFileOutsideThePackIsRefused() async throws {
        for name in ["../../../../etc/passwd", "/etc/passwd"] {
            let dir = try pack(#"{"name":"p","version":"1","kind":"math","tasks_file":"\#(name)"}"#)
            let out = try await CLI.run(["tasks", "validate", dir])
            #expect(out.status != 0)
            #expect(out.stdout.contains("must name a file inside the pack folder"), "\(out.stdout)")
            #expect(!out.stdout.contains("root:"))
        }
    }

    @Test func aMissingPromptFolderIsAnError() async throws {
        let dir = try CLI.tempDir()
        let out = try await CLI.run(
            ["run", "--pack", "math", "--agent", "openai/x@http://127.0.0.1:9/v1", "--db", dir + "/r.sqlite", "--prompts", "/nonexistent-prompts",
             "--tokenizer-dir", TokenizerFiles.directory ?? dir])
        #expect(out.status != 0)
        #expect(out.stderr.contains("/nonexistent-prompts"), "\(out.stderr)")
    }
}
