import GRDB

extension StoreSchema {
    /// v5: what each call and conversation cost. `cost_usd` is US dollars paid (0 for a reply
    /// from the response cache whose cost would have been known), NULL when unknown (no price for
    /// the model, or no usage reported, whether the reply came from the cache or not).
    /// Judge calls also keep their token usage. A conversation's `cost_usd` is the sum of the known
    /// costs of its calls, and `unpriced_calls` counts the calls whose cost is unknown.
    static func registerCost(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-cost") { db in
            try db.execute(sql: """
                ALTER TABLE messages ADD COLUMN cost_usd REAL;
                ALTER TABLE judge_calls ADD COLUMN prompt_tokens INTEGER;
                ALTER TABLE judge_calls ADD COLUMN completion_tokens INTEGER;
                ALTER TABLE judge_calls ADD COLUMN cost_usd REAL;
                ALTER TABLE conversations ADD COLUMN cost_usd REAL;
                ALTER TABLE conversations ADD COLUMN unpriced_calls INTEGER NOT NULL DEFAULT 0;
                -- Conversations stored before costs were recorded: every call's cost is unknown.
                UPDATE conversations SET unpriced_calls =
                    (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = conversations.id)
                    + (SELECT COUNT(*) FROM judge_calls j WHERE j.conversation_id = conversations.id);
                UPDATE meta SET value = '5' WHERE key = 'schema_version';
                """)
        }
    }
}
