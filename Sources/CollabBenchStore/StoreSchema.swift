import GRDB

/// The store's schema, as numbered migrations. Tables are plain and named for people reading them
/// with `sqlite3`: runs, prompts, run_prompts, conversations, messages, scores, judge_calls, meta, packs, tasks,
/// retried_conversations.
enum StoreSchema {
    /// The schema version this build writes.
    static let version = 13

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    finished_at TEXT,
                    status TEXT NOT NULL,
                    pack_name TEXT NOT NULL,
                    pack_version TEXT NOT NULL,
                    pack_kind TEXT NOT NULL,
                    pack_hash TEXT NOT NULL,
                    agent TEXT NOT NULL,
                    agent_preset TEXT NOT NULL,
                    user_simulator TEXT NOT NULL,
                    judge TEXT NOT NULL,
                    seed INTEGER NOT NULL,
                    task_count INTEGER NOT NULL,
                    config_json TEXT NOT NULL,
                    collabbench_version TEXT NOT NULL
                );
                CREATE TABLE prompts (hash TEXT PRIMARY KEY, name TEXT NOT NULL, text TEXT NOT NULL);
                CREATE TABLE run_prompts (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    hash TEXT NOT NULL REFERENCES prompts(hash),
                    PRIMARY KEY (run_id, name)
                );
                CREATE TABLE conversations (
                    id INTEGER PRIMARY KEY,
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    task_id TEXT NOT NULL,
                    trial INTEGER NOT NULL,
                    seed INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    end_reason TEXT NOT NULL,
                    exchanges INTEGER NOT NULL,
                    failure TEXT,
                    started_at TEXT NOT NULL,
                    finished_at TEXT NOT NULL,
                    UNIQUE (run_id, task_id, trial)
                );
                CREATE TABLE messages (
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    idx INTEGER NOT NULL,
                    role TEXT NOT NULL,
                    text TEXT NOT NULL,
                    tokens INTEGER,
                    model TEXT NOT NULL,
                    raw_reply TEXT NOT NULL,
                    thought TEXT,
                    format_error INTEGER NOT NULL,
                    prompt_tokens INTEGER,
                    completion_tokens INTEGER,
                    latency_ms REAL NOT NULL,
                    attempts INTEGER NOT NULL,
                    finish_reason TEXT,
                    seed INTEGER,
                    request_hash TEXT NOT NULL,
                    PRIMARY KEY (conversation_id, idx)
                );
                CREATE TABLE scores (
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    metric TEXT NOT NULL,
                    value REAL,
                    status TEXT NOT NULL,
                    method TEXT NOT NULL,
                    detail TEXT,
                    PRIMARY KEY (conversation_id, metric)
                );
                CREATE TABLE judge_calls (
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    criterion TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    model TEXT NOT NULL,
                    prompt_hash TEXT NOT NULL,
                    raw_reply TEXT NOT NULL,
                    readable INTEGER NOT NULL,
                    latency_ms REAL NOT NULL,
                    seed INTEGER,
                    request_hash TEXT NOT NULL,
                    PRIMARY KEY (conversation_id, criterion, attempt)
                );
                CREATE INDEX conversations_by_run ON conversations(run_id, task_id);
                """)
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('schema_version', ?)", arguments: ["1"])
        }
        registerCacheAndResume(&migrator)
        registerTagsMigration(&migrator)
        registerStreaming(&migrator)
        registerCost(&migrator)
        registerTasks(&migrator)
        registerRetries(&migrator)
        registerStudy(&migrator)
        registerReward(&migrator)
        registerPromptCache(&migrator)
        registerPersonas(&migrator)
        registerBatches(&migrator)
        registerBrowseIndexes(&migrator)
        return migrator
    }
}
