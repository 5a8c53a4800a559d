import CollabBenchCore
import CollabBenchMetrics
import CollabBenchPacks
import CollabBenchProcess
import CollabBenchRunner
import CollabBenchScoring
import CollabBenchTestSupport
import Foundation

/// The reports on a big store: a 100,000-conversation store (two runs of 50,000 tasks), its
/// bytes per conversation, and the wall time and peak memory of `collabbench leaderboard` (also
/// `--json` and `--by persona`), `compare`, `gate` and `export` (each format) on it. Run it at two
/// sizes: the difference in peak memory over the difference in conversations is what each
/// conversation costs a command (the reports read scores through `ResultStore.scoreTable(runID:)`).
///
///   CollabBenchBenchmarks store-scale [--conversations 100000] [--seed-tasks 100] [--collabbench <binary>]
///
/// The store is made fast but real: two runs of the first `--seed-tasks` tasks of a synthetic pack
/// are made as `collabbench run` makes them (RunAssembler, loopback model server, scoring, store;
/// the second replays the first's cache), then each seed conversation, with its messages, scores
/// and judge calls, is copied by SQL (the `sqlite3` program) to the pack's other tasks. Each
/// command runs under `/usr/bin/time` for its peak resident memory.
enum StoreScaleBenchmark {
    static func main(_ arguments: [String]) async throws {
        var conversations = 100_000
        var seedTasks = 100
        var binary = CommandLine.arguments[0].replacingOccurrences(of: "CollabBenchBenchmarks", with: "collabbench")
        var index = 0
        while index < arguments.count {
            let value = index + 1 < arguments.count ? arguments[index + 1] : ""
            switch arguments[index] {
            case "--conversations": conversations = Int(value) ?? conversations
            case "--seed-tasks": seedTasks = Int(value) ?? seedTasks
            case "--collabbench": binary = value
            default: fatalError("unknown option \(arguments[index])")
            }
            index += 2
        }
        let tasks = conversations / 2
        precondition(seedTasks <= tasks, "--seed-tasks must be at most half of --conversations")
        guard FileManager.default.isExecutableFile(atPath: binary) else { fatalError("no collabbench binary at \(binary) (--collabbench)") }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("cb-scale-\(UUID().uuidString)").path
        let pack = try makePack(tasks: tasks, in: work + "/pack")
        let db = work + "/scale.sqlite"
        let pricing = try benchPricingFile(in: work)
        _ = try await TokenizerLocator().load(.cl100kBase)

        // Two real runs of the seed tasks: the baseline, and a candidate replayed from its cache.
        let server = try await LoopbackOpenAIServer.start { scriptedReply($0, delay: .zero) }
        let started = Date()
        for (name, cache) in [("scale-baseline", CacheMode.readWrite), ("scale-candidate", CacheMode.readOnly)] {
            var plan = RunPlan(pack: pack.directory, agent: .model("openai/bench@\(server.baseURL)"))
            plan.store = db
            plan.concurrency = 32
            plan.cache = cache
            plan.judgeAttempts = 1
            plan.maxExchanges = 6
            plan.pricingFile = pricing
            plan.limit = seedTasks
            plan.name = name
            plan.forceNew = true
            let session = try await RunAssembler(plan: plan, environment: [:]).prepare().open()
            _ = try await session.run()
            await session.close()
        }
        try await server.stop()
        let seeded = Date().timeIntervalSince(started)

        // Copy each seed conversation to the other tasks (task k copies seed k mod seedTasks).
        let t0 = Date()
        let tables = try await sql(
            db,
            "SELECT DISTINCT m.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'conversation_id';"
        )
        .split(separator: "\n").map(String.init)
        func columns(_ table: String) async throws -> [String] {
            try await sql(db, "SELECT name FROM pragma_table_info('\(table)');").split(separator: "\n").map(String.init)
        }
        let conversationColumns = try await columns("conversations").filter { $0 != "id" && $0 != "task_id" }
        var script = """
            PRAGMA journal_mode = WAL;
            BEGIN;
            CREATE TEMP TABLE seeds AS SELECT c.id AS src, c.run_id AS run_id, CAST(substr(c.task_id, 2) AS INTEGER) AS k FROM conversations c;
            CREATE TEMP TABLE map (new_id INTEGER PRIMARY KEY, src INTEGER NOT NULL, task TEXT NOT NULL);
            WITH RECURSIVE n(k) AS (SELECT \(seedTasks) UNION ALL SELECT k + 1 FROM n WHERE k + 1 < \(tasks))
            INSERT INTO map (new_id, src, task)
                SELECT (SELECT MAX(id) FROM conversations) + ROW_NUMBER() OVER (), s.src, 'b' || n.k
                FROM n JOIN seeds s ON s.k = n.k % \(seedTasks);
            INSERT INTO conversations (id, task_id, \(conversationColumns.joined(separator: ", ")))
                SELECT m.new_id, m.task, \(conversationColumns.map { "c." + $0 }.joined(separator: ", ")) FROM map m JOIN conversations c ON c.id = m.src;

            """
        for table in tables {
            let others = try await columns(table).filter { $0 != "conversation_id" }
            script += """
                INSERT INTO \(table) (conversation_id, \(others.joined(separator: ", ")))
                    SELECT m.new_id, \(others.map { "x." + $0 }.joined(separator: ", ")) FROM map m JOIN \(table) x ON x.conversation_id = m.src;

                """
        }
        script += "UPDATE runs SET task_count = \(tasks);\nCOMMIT;\nPRAGMA wal_checkpoint(TRUNCATE);\n"
        try script.write(toFile: work + "/copy.sql", atomically: true, encoding: .utf8)
        _ = try await sql(db, ".read \(work)/copy.sql")
        let copied = Date().timeIntervalSince(t0)
        let count = Int(try await sql(db, "SELECT COUNT(*) FROM conversations;").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        let messages = Int(try await sql(db, "SELECT COUNT(*) FROM messages;").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        let bytes = (try FileManager.default.attributesOfItem(atPath: db)[.size] as? NSNumber)?.intValue ?? 0
        print("store: \(count) conversations, \(messages) messages, \(bytes) bytes (\(bytes / max(1, count)) bytes per conversation);")
        print(
            "made in \(String(format: "%.1f", seeded)) s (\(2 * seedTasks) real conversations) + \(String(format: "%.1f", copied)) s (SQL copies)"
        )
        let tag = try await TestProcess.run(binary, ["tag", "--db", db, "scale-baseline", "baseline"])
        precondition(tag.status == 0, tag.stderrText)

        print("")
        print("| command | wall | peak RSS | output |")
        print("| --- | --- | --- | --- |")
        var commands: [(String, [String])] = [
            ("leaderboard", ["leaderboard", "--db", db]),
            ("leaderboard --json", ["leaderboard", "--db", db, "--json"]),
            ("leaderboard --by persona", ["leaderboard", "--db", db, "--by", "persona"]),
            ("compare", ["compare", "--db", db, "scale-baseline", "scale-candidate"]),
            (
                "gate",
                [
                    "gate", "--db", db, "--baseline", "baseline", "--candidate", "scale-candidate", "--max-drop", "task=5", "--max-drop",
                    "itr=10",
                ]
            ),
        ]
        for format in ["md", "csv", "latex", "json", "html"] {
            commands.append(("export --format \(format)", ["export", "--db", db, "--format", format, "--out", work + "/export.\(format)"]))
        }
        for (label, arguments) in commands {
            let result = try await TestProcess.run("/usr/bin/time", ["-f", "TIME %e %M"] + [binary] + arguments, timeLimit: .seconds(3600))
            let line = result.stderrText.split(separator: "\n").last { $0.hasPrefix("TIME ") }.map(String.init) ?? "TIME ? ?"
            let parts = line.split(separator: " ")
            let seconds = parts.count > 1 ? String(parts[1]) : "?"
            let megabytes = parts.count > 2 ? (Double(parts[2]).map { String(format: "%.1f MB", $0 / 1024) } ?? "?") : "?"
            let out =
                arguments.contains("--out")
                ? (try? FileManager.default.attributesOfItem(atPath: arguments.last!)[.size] as? NSNumber)?.intValue ?? 0
                : result.stdout.count
            let status = result.status == 0 ? "" : " (exit \(result.status))"
            print("| `\(label)` | \(seconds) s | \(megabytes) | \(out) bytes\(status) |")
        }
        try? FileManager.default.removeItem(atPath: work)
    }

    /// Runs one statement (or dot-command) with the `sqlite3` program and returns its output.
    static func sql(_ db: String, _ statement: String) async throws -> String {
        let result = try await TestProcess.run("/usr/bin/sqlite3", ["-batch", db, statement], timeLimit: .seconds(3600))
        guard result.status == 0 else { fatalError("sqlite3 failed: \(result.stderrText)") }
        return result.stdoutText
    }
}
