import GRDB

extension StoreSchema {
    /// v2: the response cache, and a configuration hash per run so a re-run can resume it.
    static func registerCacheAndResume(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-cache-resume") { db in
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN config_hash TEXT NOT NULL DEFAULT '';
                CREATE INDEX runs_by_config ON runs(config_hash);
                CREATE TABLE response_cache (
                    key TEXT PRIMARY KEY,
                    model TEXT NOT NULL,
                    text TEXT NOT NULL,
                    finish_reason TEXT,
                    prompt_tokens INTEGER,
                    completion_tokens INTEGER,
                    served_model TEXT,
                    created_at TEXT NOT NULL
                );
                UPDATE meta SET value = '2' WHERE key = 'schema_version';
                """)
        }
    }

    /// v4: time to first token and tokens per second of streamed calls.
    static func registerStreaming(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-streaming") { db in
            try db.execute(sql: """
                ALTER TABLE messages ADD COLUMN ttft_ms REAL;
                ALTER TABLE messages ADD COLUMN tokens_per_second REAL;
                UPDATE meta SET value = '4' WHERE key = 'schema_version';
                """)
        }
    }
}
