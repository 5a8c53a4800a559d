import GRDB

extension StoreSchema {
    /// v8: user studies (`collabbench study`). A study is an ordinary run (its user role is a
    /// person); `studies` holds what the study server needs to talk to the agent again (model
    /// specs without credentials, the pack, how often to ask for ratings), `study_participants`
    /// one row per invited participant: an opaque id, the unguessable link token, the form token,
    /// the task bound to them, their state and timestamps, and the conversation so far as JSON.
    /// No personal data is stored.
    static func registerStudy(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-study") { db in
            try db.execute(sql: """
                CREATE TABLE studies (
                    run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
                    settings_json TEXT NOT NULL,
                    rate_every INTEGER NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE study_participants (
                    id TEXT PRIMARY KEY,
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    token TEXT NOT NULL UNIQUE,
                    csrf_token TEXT NOT NULL,
                    task_id TEXT NOT NULL,
                    state TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    started_at TEXT,
                    finished_at TEXT,
                    progress_json TEXT NOT NULL,
                    conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
                    UNIQUE (run_id, position)
                );
                UPDATE meta SET value = CAST(MAX(CAST(value AS INTEGER), 8) AS TEXT) WHERE key = 'schema_version';
                """)
        }
    }
}
