import GRDB

extension StoreSchema {
    /// v13: an index of scores by metric and value (`scores_by_metric_value`), so the results
    /// browser pages a run's conversations sorted by score by walking the index from the page's
    /// offset instead of sorting every conversation of the run on each page. No table changes.
    static func registerBrowseIndexes(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v13-browse-indexes") { db in
            try db.execute(
                sql: """
                    CREATE INDEX IF NOT EXISTS scores_by_metric_value ON scores(metric, value, conversation_id);
                    UPDATE meta SET value = CAST(MAX(CAST(value AS INTEGER), 13) AS TEXT) WHERE key = 'schema_version';
                    """)
        }
    }
}
