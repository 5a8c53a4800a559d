import CollabBenchCore
import Foundation
import GRDB

extension ResultStore {
    // MARK: - Pack snapshots

    /// Stores the manifest and every task of `pack` under its content hash, unless the store
    /// already holds that hash (a pack's content is stored once, however many runs use it).
    ///
    /// A run writes its pack's snapshot before its record, so `rejudge` and later reports can
    /// rebuild the pack with ``packSnapshot(hash:)`` when the pack folder is gone.
    /// - Returns: Whether the snapshot was written now (false: it was already stored).
    /// - Throws: ``CollabBenchError`` (`.storeError`) for store failures.
    @discardableResult
    public func storePackSnapshot(_ pack: TaskPack) throws -> Bool {
        let stored = StableHash.timestamp(Date())
        return try write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM packs WHERE hash = ?)", arguments: [pack.contentHash]) == true {
                return false
            }
            let manifest = try Self.json(pack.manifest)
            let metadata = try pack.tasks.map { try Self.json($0.metadata) }
            try db.execute(
                sql: "INSERT INTO packs (hash, name, version, kind, manifest_json, task_count, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    pack.contentHash, pack.manifest.name, pack.manifest.version, pack.manifest.kind.rawValue, manifest,
                    pack.tasks.count, stored,
                ])
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO tasks (pack_hash, idx, task_id, prompt, hidden_intent, reference_text, answer, test, entry_point,
                        code_prompt, metadata_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for (index, task) in pack.tasks.enumerated() {
                let r = task.reference
                try insert.execute(arguments: [
                    pack.contentHash, index, task.id, task.prompt, task.hiddenIntent, r.text, r.answer, r.test, r.entryPoint,
                    r.codePrompt, metadata[index],
                ])
            }
            return true
        }
    }

    /// Whether the store holds the snapshot of the pack with content hash `hash`.
    public func hasPackSnapshot(hash: String) throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM packs WHERE hash = ?)", arguments: [hash]) ?? false }
    }

    /// The pack stored under content hash `hash`, rebuilt as it was loaded: the same manifest and
    /// tasks in the same order, ``TaskPack/contentHash`` `hash`, and as ``TaskPack/directory`` a
    /// description naming this store (there is no folder).
    /// - Returns: The pack, or nil when the store holds no snapshot of it (runs stored before
    ///   schema v6, or merged from such a store).
    /// - Throws: ``CollabBenchError`` (`.storeError`) for store failures or a snapshot that cannot
    ///   be read.
    public func packSnapshot(hash: String) throws -> TaskPack? {
        let rows = try read { db -> (Row, [Row])? in
            guard let pack = try Row.fetchOne(db, sql: "SELECT manifest_json FROM packs WHERE hash = ?", arguments: [hash]) else { return nil }
            return (pack, try Row.fetchAll(db, sql: "SELECT * FROM tasks WHERE pack_hash = ? ORDER BY idx", arguments: [hash]))
        }
        guard let (pack, taskRows) = rows else { return nil }
        let decoder = JSONDecoder()
        do {
            let manifest = try decoder.decode(PackManifest.self, from: Data((pack["manifest_json"] as String).utf8))
            let tasks = try taskRows.map { row in
                BenchmarkTask(
                    id: row["task_id"], prompt: row["prompt"], hiddenIntent: row["hidden_intent"],
                    reference: TaskReference(
                        text: row["reference_text"], answer: row["answer"], test: row["test"], entryPoint: row["entry_point"],
                        codePrompt: row["code_prompt"]),
                    metadata: try decoder.decode([String: String].self, from: Data((row["metadata_json"] as String).utf8)))
            }
            return TaskPack(manifest: manifest, tasks: tasks, directory: "\(path) (stored pack \(hash.prefix(12)))", contentHash: hash)
        } catch {
            throw CollabBenchError(.storeError, "database \(path): the stored pack \(hash.prefix(12)) cannot be read (\(error))")
        }
    }

    /// Copies the pack snapshots of the attached database `src` that this store lacks (by hash).
    static func mergePackSnapshots(_ db: Database) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO main.packs (hash, name, version, kind, manifest_json, task_count, stored_at)
            SELECT hash, name, version, kind, manifest_json, task_count, stored_at FROM src.packs;
            INSERT OR IGNORE INTO main.tasks (pack_hash, idx, task_id, prompt, hidden_intent, reference_text, answer, test, entry_point,
                code_prompt, metadata_json)
            SELECT pack_hash, idx, task_id, prompt, hidden_intent, reference_text, answer, test, entry_point, code_prompt, metadata_json
            FROM src.tasks;
            """)
    }

    /// `value` as JSON text with sorted keys (stable across runs).
    private static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
