import GRDB

extension StoreSchema {
    /// v12: provider batches (`run --batch`). `batches` holds each batch submitted to a provider's
    /// batch API — its id there, the provider, the model (a spec without key), where it stands and
    /// when it was made and ended; `batch_requests` maps each line's `custom_id` to the call it
    /// carries, by the call's response-cache key. Both are written before the batch is polled, so a
    /// run that is killed re-attaches to its batches instead of submitting the calls again.
    static func registerBatches(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12-batches") { db in
            try db.execute(
                sql: """
                    CREATE TABLE batches (
                        id TEXT PRIMARY KEY,
                        provider TEXT NOT NULL,
                        model TEXT NOT NULL,
                        state TEXT NOT NULL,
                        request_count INTEGER NOT NULL,
                        detail TEXT,
                        created_at TEXT NOT NULL,
                        finished_at TEXT
                    );
                    CREATE TABLE batch_requests (
                        batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
                        custom_id TEXT NOT NULL,
                        request_key TEXT NOT NULL,
                        state TEXT NOT NULL,
                        detail TEXT,
                        PRIMARY KEY (batch_id, custom_id)
                    );
                    CREATE INDEX batch_requests_by_key ON batch_requests(request_key);
                    UPDATE meta SET value = CAST(MAX(CAST(value AS INTEGER), 12) AS TEXT) WHERE key = 'schema_version';
                    """)
        }
    }
}
