import CollabBenchCore
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// `rejudge` of a run on an imported pack needs no pack folder: the run stored its tasks.
@Suite(.timeLimit(.minutes(5)), .enabled(if: CLI.available && TokenizerFiles.directory != nil, "needs the binary and tokenizer files"))
struct RejudgeFromStoreCLITests {
    /// A copy of the built-in math pack named `imported-math` (so no search finds it by name).
    static func importedPack(in dir: String, named folder: String, edit: (String) -> String = { $0 }) throws -> String {
        let path = dir + "/" + folder
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let manifest = try String(contentsOfFile: CLI.root + "/Tasks/math/pack.json", encoding: .utf8)
            .replacingOccurrences(of: #""name": "math""#, with: #""name": "imported-math""#)
        try manifest.write(toFile: path + "/pack.json", atomically: true, encoding: .utf8)
        let tasks = try String(contentsOfFile: CLI.root + "/Tasks/math/tasks.jsonl", encoding: .utf8)
        try edit(tasks).write(toFile: path + "/tasks.jsonl", atomically: true, encoding: .utf8)
        return path
    }

    @Test func rejudgeOfAnImportedPackWorksAfterItsFolderIsDeleted() async throws {
        let server = try await ResumeAndReplayTests.server(delay: .zero)
        defer { Task { try? await server.stop() } }
        let dir = try CLI.tempDir()
        let db = dir + "/r.sqlite"
        let pack = try Self.importedPack(in: dir, named: "imported")
        let out = try await CLI.run([
            "run", "--pack", pack, "--agent", "openai/m@\(server.baseURL)", "--db", db, "--name", "original",
            "--tokenizer-dir", TokenizerFiles.directory!, "--no-progress",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        try FileManager.default.removeItem(atPath: pack)

        let judge = try await LoopbackOpenAIServer.start { _ in .chat(#"{"thought":"great","score":3}"#) }
        defer { Task { try? await judge.stop() } }
        let rejudge = ["rejudge", "--db", db, "--run", "original", "--judge", "openai/strict@\(judge.baseURL)"]
        let again = try await CLI.run(rejudge + ["--name", "rejudged"])
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        #expect(again.stdout.contains("Re-judged 6 conversations of original"), "\(again.stdout)")
        let store = try ResultStore(path: db)
        let new = try #require(try store.run("rejudged"))
        #expect(try store.conversationScores(runID: new.id).allSatisfy { $0.scores["itr"]?.value == 1 })

        // Another pack given with --pack is refused in one line, nothing written.
        let other = try Self.importedPack(in: dir, named: "other") { $0.replacingOccurrences(of: "perimeter of 36 cm", with: "perimeter of 40 cm") }
        let refused = try await CLI.run(rejudge + ["--pack", other, "--name", "wrong"])
        #expect(refused.status == 65, "\(refused.stdout) \(refused.stderr)")
        #expect(refused.stderr.contains("content hash differs"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(try store.run("wrong") == nil)
    }

    @Test func storesWithoutSnapshotsStillLoadThePackByName() async throws {
        let server = try await ResumeAndReplayTests.server(delay: .zero)
        defer { Task { try? await server.stop() } }
        let dir = try CLI.tempDir()
        let db = dir + "/r.sqlite"
        let out = try await CLI.run([
            "run", "--pack", "math", "--agent", "openai/m@\(server.baseURL)", "--db", db, "--name", "original",
            "--tokenizer-dir", TokenizerFiles.directory!, "--no-progress",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        // As a store written before schema v6: no snapshot.
        let status = try await HardeningTests.python(
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('DELETE FROM tasks'); c.execute('DELETE FROM packs'); c.commit()", [db])
        #expect(status == 0)
        let judge = try await LoopbackOpenAIServer.start { _ in .chat(#"{"thought":"great","score":3}"#) }
        defer { Task { try? await judge.stop() } }
        let again = try await CLI.run(["rejudge", "--db", db, "--run", "original", "--judge", "openai/strict@\(judge.baseURL)", "--name", "rejudged"])
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        #expect(again.stdout.contains("Re-judged 6 conversations"), "\(again.stdout)")
        // The re-judging stored the pack it loaded, for later.
        let store = try ResultStore(path: db)
        let run = try #require(try store.run("original"))
        #expect(try store.hasPackSnapshot(hash: run.packHash))
    }
}
