import GRDB

extension StoreSchema {
    /// v10: how many of each call's prompt tokens the provider's prompt cache served or stored.
    /// `cached_prompt_tokens` (OpenAI `prompt_tokens_details.cached_tokens`, Anthropic
    /// `cache_read_input_tokens`) and `cache_write_tokens` (Anthropic
    /// `cache_creation_input_tokens`) on `messages` and `judge_calls`; both are part of
    /// `prompt_tokens`, and NULL when the server did not report them (every row stored before
    /// v10), so old stores report exactly as before.
    static func registerPromptCache(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10-prompt-cache") { db in
            try db.execute(sql: """
                ALTER TABLE messages ADD COLUMN cached_prompt_tokens INTEGER;
                ALTER TABLE messages ADD COLUMN cache_write_tokens INTEGER;
                ALTER TABLE judge_calls ADD COLUMN cached_prompt_tokens INTEGER;
                ALTER TABLE judge_calls ADD COLUMN cache_write_tokens INTEGER;
                UPDATE meta SET value = CAST(MAX(CAST(value AS INTEGER), 10) AS TEXT) WHERE key = 'schema_version';
                """)
        }
    }
}
