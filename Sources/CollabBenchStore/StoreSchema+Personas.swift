import GRDB

extension StoreSchema {
    /// v11: who each simulated user was, and what the simulator gate found.
    /// `conversation_personas` holds, per run, task and trial, the persona the simulated user
    /// played (`run --personas`): its id, its traits (JSON object, for `leaderboard --by`) and
    /// the whole profile (JSON). `conversation_gate` holds the gate's verdict on a conversation
    /// whose simulated user broke the protocol (`run --simulator-gate`): `flagged`, `rerun`
    /// (a later attempt passed) or `excluded`, the reasons (comma-separated) and the attempts made.
    /// Runs without personas or gate findings have no rows: old stores report as before.
    static func registerPersonas(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11-personas") { db in
            try db.execute(sql: """
                CREATE TABLE conversation_personas (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    task_id TEXT NOT NULL,
                    trial INTEGER NOT NULL,
                    persona_id TEXT NOT NULL,
                    traits_json TEXT NOT NULL,
                    persona_json TEXT NOT NULL,
                    PRIMARY KEY (run_id, task_id, trial)
                );
                CREATE TABLE conversation_gate (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    task_id TEXT NOT NULL,
                    trial INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    reasons TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    PRIMARY KEY (run_id, task_id, trial)
                );
                UPDATE meta SET value = CAST(MAX(CAST(value AS INTEGER), 11) AS TEXT) WHERE key = 'schema_version';
                """)
        }
    }
}
