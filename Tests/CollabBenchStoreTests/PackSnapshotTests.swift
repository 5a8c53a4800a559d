@testable import CollabBenchStore
import CollabBenchCore
import Foundation
import GRDB
import Testing

/// Each pack's content is stored once per content hash, read back as it was, merged, and absent
/// (not an error) in stores written before schema v6.
@Suite(.timeLimit(.minutes(5)))
struct PackSnapshotTests {
    static func pack(hash: String = "hash-1", prompt: String = "What is 2+2?") -> TaskPack {
        let manifest = PackManifest(
            name: "imported-math", version: "3", kind: .math, description: "two tasks", maxExchanges: 4,
            metric: MetricSettings(codeTimeoutSeconds: 12),
            source: PackSource(dataset: "MATH", file: "m.jsonl", sha256: "ab", filters: ["level": "5"], rowsRead: 9, rowsMatching: 2, sample: 2, seed: 7))
        let tasks = [
            BenchmarkTask(
                id: "t-1", prompt: prompt, hiddenIntent: "wants 4", reference: TaskReference(text: "2+2=\\boxed{4}", answer: "4"),
                metadata: ["level": "Level 5", "subject": "Algebra"]),
            BenchmarkTask(
                id: "t-0", prompt: "Write f", hiddenIntent: "wants f",
                reference: TaskReference(text: "def f(): pass", test: "class TestCases: pass", entryPoint: "f", codePrompt: "def f():")),
        ]
        return TaskPack(manifest: manifest, tasks: tasks, directory: "/tmp/gone", contentHash: hash)
    }

    @Test func snapshotReadsBackTheSameManifestAndTasksInOrder() throws {
        let store = try ResultStore(path: ResultStoreTests.tempPath())
        let pack = Self.pack()
        #expect(try store.packSnapshot(hash: pack.contentHash) == nil)
        #expect(try store.hasPackSnapshot(hash: pack.contentHash) == false)
        #expect(try store.storePackSnapshot(pack))
        let read = try #require(try store.packSnapshot(hash: pack.contentHash))
        #expect(read.manifest == pack.manifest)
        #expect(read.tasks == pack.tasks)
        #expect(read.contentHash == pack.contentHash)
        #expect(read.directory.contains(store.path))
        #expect(try store.hasPackSnapshot(hash: pack.contentHash))
    }

    @Test func aPackIsStoredOncePerHash() throws {
        let store = try ResultStore(path: ResultStoreTests.tempPath())
        #expect(try store.storePackSnapshot(Self.pack()))
        // The same hash again writes nothing, whatever the caller passes.
        #expect(try store.storePackSnapshot(Self.pack(prompt: "changed")) == false)
        #expect(try store.packSnapshot(hash: "hash-1")?.tasks.first?.prompt == "What is 2+2?")
        #expect(try store.storePackSnapshot(Self.pack(hash: "hash-2", prompt: "other")))
        #expect(try store.packSnapshot(hash: "hash-2")?.tasks.first?.prompt == "other")
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM packs") } == 2)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tasks") } == 4)
    }

    @Test func mergeCarriesSnapshotsOnce() throws {
        let a = try ResultStore(path: ResultStoreTests.tempPath())
        let b = try ResultStore(path: ResultStoreTests.tempPath())
        try a.storePackSnapshot(Self.pack())
        try a.createRun(ResultStoreTests.run("r1"), prompts: [])
        try b.storePackSnapshot(Self.pack(hash: "hash-2"))
        _ = try b.merge(from: a.path)
        _ = try b.merge(from: a.path)
        #expect(try b.packSnapshot(hash: "hash-1")?.tasks == Self.pack().tasks)
        #expect(try b.packSnapshot(hash: "hash-2")?.tasks == Self.pack(hash: "hash-2").tasks)
        #expect(try b.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tasks") } == 4)
    }

    @Test func storesFromBeforeV6MigrateWithoutSnapshots() throws {
        let path = ResultStoreTests.tempPath()
        // A store as schema v5 left it, with one run.
        let pool = try DatabasePool(path: path)
        try StoreSchema.migrator.migrate(pool, upTo: "v5-cost")
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO runs (id, name, created_at, status, pack_name, pack_version, pack_kind, pack_hash, agent, agent_preset,
                    user_simulator, judge, seed, task_count, config_json, collabbench_version)
                VALUES ('r', 'r', '2026-01-01', 'completed', 'math', '1', 'math', 'h', 'a', 'base', 'u', 'j', 1, 1, '{}', '0');
                INSERT INTO conversations (id, run_id, task_id, trial, seed, status, end_reason, exchanges, started_at, finished_at)
                VALUES (1, 'r', 't', 0, 1, 'failed', 'failed', 0, 's', 'f');
                """)
        }
        try pool.close()
        // Read-only: read through a migrated copy; the file keeps its version.
        let viewed = try ResultStore(path: path, mode: .readOnly)
        #expect(try viewed.packSnapshot(hash: "h") == nil)
        #expect(try viewed.retriedConversations(runID: "r").isEmpty)
        let store = try ResultStore(path: path)
        #expect(try store.schemaVersion() == StoreSchema.version)
        #expect(StoreSchema.version == 13)
        #expect(try store.run("r")?.packHash == "h")
        #expect(try store.packSnapshot(hash: "h") == nil)
        #expect(try store.failedConversationCount(runID: "r") == 1)
        #expect(try store.retriedConversations(runID: "r").isEmpty)
        // The migrated store takes snapshots as a new one does.
        #expect(try store.storePackSnapshot(Self.pack(hash: "h")))
        #expect(try store.packSnapshot(hash: "h")?.manifest == Self.pack().manifest)
    }
}
