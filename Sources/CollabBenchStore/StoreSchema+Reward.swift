import GRDB

extension StoreSchema {
    /// v9: multiturn-aware reward calls (`collabbench reward`, `reward serve`), recorded for audit
    /// and replay. `reward_calls` holds each call's plan (model specs without credentials), its
    /// seed and size; `reward_items` each item as sent and its result line; `reward_candidates`
    /// each candidate's text and reward; `reward_samples` every sampled continuation with its
    /// seed, components, how it ended and its transcript. Replaying a call with its plan and seeds
    /// against the response cache gives the same rewards.
    static func registerReward(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-reward") { db in
            try db.execute(sql: """
                CREATE TABLE reward_calls (
                    id TEXT PRIMARY KEY,
                    created_at TEXT NOT NULL,
                    plan_json TEXT NOT NULL,
                    plan_hash TEXT NOT NULL,
                    seed INTEGER NOT NULL,
                    item_count INTEGER NOT NULL,
                    collabbench_version TEXT NOT NULL
                );
                CREATE TABLE reward_items (
                    call_id TEXT NOT NULL REFERENCES reward_calls(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    item_id TEXT NOT NULL,
                    pack TEXT NOT NULL,
                    task_id TEXT NOT NULL,
                    item_json TEXT NOT NULL,
                    result_json TEXT NOT NULL,
                    PRIMARY KEY (call_id, position)
                );
                CREATE TABLE reward_candidates (
                    call_id TEXT NOT NULL REFERENCES reward_calls(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    candidate INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    mr REAL,
                    std REAL,
                    used INTEGER NOT NULL,
                    PRIMARY KEY (call_id, position, candidate)
                );
                CREATE TABLE reward_samples (
                    call_id TEXT NOT NULL REFERENCES reward_calls(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    candidate INTEGER NOT NULL,
                    sample INTEGER NOT NULL,
                    seed INTEGER NOT NULL,
                    metric_name TEXT NOT NULL,
                    metric REAL,
                    tokens INTEGER,
                    itr REAL,
                    itr_status TEXT,
                    ended_by TEXT NOT NULL,
                    exchanges INTEGER NOT NULL,
                    reward REAL,
                    failed INTEGER NOT NULL,
                    failure TEXT,
                    transcript_json TEXT NOT NULL,
                    PRIMARY KEY (call_id, position, candidate, sample)
                );
                CREATE INDEX reward_items_by_item ON reward_items(item_id);
                UPDATE meta SET value = CAST(MAX(CAST(value AS INTEGER), 9) AS TEXT) WHERE key = 'schema_version';
                """)
        }
    }
}
