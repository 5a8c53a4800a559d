import GRDB

extension StoreSchema {
    /// v6: the content of every pack a run used, keyed by the pack's content hash and stored once
    /// per hash, so `rejudge` and later reports work from the store alone (the pack folder may be
    /// gone). `packs` holds the manifest; `tasks` holds each task's fields in pack order.
    static func registerTasks(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-tasks") { db in
            try db.execute(sql: """
                CREATE TABLE packs (
                    hash TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    version TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    manifest_json TEXT NOT NULL,
                    task_count INTEGER NOT NULL,
                    stored_at TEXT NOT NULL
                );
                CREATE TABLE tasks (
                    pack_hash TEXT NOT NULL REFERENCES packs(hash) ON DELETE CASCADE,
                    idx INTEGER NOT NULL,
                    task_id TEXT NOT NULL,
                    prompt TEXT NOT NULL,
                    hidden_intent TEXT NOT NULL,
                    reference_text TEXT NOT NULL,
                    answer TEXT,
                    test TEXT,
                    entry_point TEXT,
                    code_prompt TEXT,
                    metadata_json TEXT NOT NULL,
                    PRIMARY KEY (pack_hash, idx)
                );
                UPDATE meta SET value = '6' WHERE key = 'schema_version';
                """)
        }
    }
}
