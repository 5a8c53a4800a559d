import CollabBenchCore
import Foundation
import GRDB

extension ResultStore: ResponseCaching {
    public func cachedCompletion(forKey key: String) async throws -> ChatCompletion? {
        try await readAsync { db in
            try Row.fetchOne(db, sql: "SELECT * FROM response_cache WHERE key = ?", arguments: [key]).map { row in
                let prompt: Int? = row["prompt_tokens"]
                let completion: Int? = row["completion_tokens"]
                return ChatCompletion(
                    text: row["text"], finishReason: row["finish_reason"],
                    usage: prompt.map { TokenUsage(promptTokens: $0, completionTokens: completion ?? 0) },
                    servedModel: row["served_model"])
            }
        }
    }

    public func storeCompletion(_ completion: ChatCompletion, forKey key: String, model: String) async throws {
        let created = StableHash.timestamp(Date())
        // Not cancellable: the reply was paid for; a Ctrl-C must not lose it.
        try await Task.detached { [self] in try await self.storeCompletionNow(completion, forKey: key, model: model, created: created) }.value
    }

    private func storeCompletionNow(_ completion: ChatCompletion, forKey key: String, model: String, created: String) async throws {
        try await writeAsync { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO response_cache (key, model, text, finish_reason, prompt_tokens, completion_tokens, served_model, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    key, model, completion.text, completion.finishReason, completion.usage?.promptTokens,
                    completion.usage?.completionTokens, completion.servedModel, created,
                ])
        }
    }

    /// Number of cached replies.
    public func cachedResponseCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM response_cache") ?? 0 }
    }
}

extension ResultStore {
    /// Deletes every run and conversation but keeps the response cache (benchmarks of replay).
    public func forgetConversations() throws {
        try write { db in try db.execute(sql: "DELETE FROM runs") }
    }
}
