import GRDB

extension StoreSchema {
    /// Tags: names people give runs (`baseline`, `release-1.2`) so a CI gate can find them.
    ///
    /// A tag names at most one run per pack (tagging a newer run of the same pack moves it), so a
    /// tag can stand for a set of runs across packs, e.g. the baseline of every pack a CI job runs.
    static func registerTagsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-tags") { db in
            try db.execute(sql: """
                CREATE TABLE tags (
                    name TEXT NOT NULL,
                    pack_name TEXT NOT NULL,
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    created_at TEXT NOT NULL,
                    PRIMARY KEY (name, pack_name)
                );
                CREATE INDEX tags_by_run ON tags(run_id);
                UPDATE meta SET value = '3' WHERE key = 'schema_version';
                """)
        }
    }
}
