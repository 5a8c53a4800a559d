import GRDB

extension StoreSchema {
    /// v7: failed conversations that `run --retry-failed` replaced. When a run is retried, each of
    /// its failed conversations leaves `conversations` (with its messages, scores and judge calls),
    /// so every report counts the task and trial once, and is recorded here with its attempt number
    /// (1 for the first attempt), how it failed, when, and what it cost. The conversation stored in
    /// `conversations` is attempt `1 + ` the number of rows here for its run, task and trial.
    static func registerRetries(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-retries") { db in
            try db.execute(sql: """
                CREATE TABLE retried_conversations (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    task_id TEXT NOT NULL,
                    trial INTEGER NOT NULL,
                    attempt INTEGER NOT NULL,
                    seed INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    end_reason TEXT NOT NULL,
                    exchanges INTEGER NOT NULL,
                    failure TEXT,
                    started_at TEXT NOT NULL,
                    finished_at TEXT NOT NULL,
                    cost_usd REAL,
                    unpriced_calls INTEGER NOT NULL,
                    retried_at TEXT NOT NULL,
                    PRIMARY KEY (run_id, task_id, trial, attempt)
                );
                UPDATE meta SET value = '7' WHERE key = 'schema_version';
                """)
        }
    }
}
