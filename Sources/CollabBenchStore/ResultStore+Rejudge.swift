import CollabBenchCore
import Foundation
import GRDB

extension ResultStore {
    /// The stored transcript of a conversation, rebuilt from its messages.
    public func transcript(conversationID: Int64) throws -> Transcript {
        try read { db in
            guard let conversation = try Row.fetchOne(db, sql: "SELECT end_reason, failure FROM conversations WHERE id = ?", arguments: [conversationID]) else {
                throw CollabBenchError(.storeError, "database \(path): no conversation \(conversationID)")
            }
            let turns = try Row.fetchAll(db, sql: "SELECT * FROM messages WHERE conversation_id = ? ORDER BY idx", arguments: [conversationID]).map { row in
                var call = CallRecord(
                    model: row["model"], rawReply: row["raw_reply"], promptTokens: row["prompt_tokens"],
                    completionTokens: row["completion_tokens"], latencySeconds: (row["latency_ms"] as Double? ?? 0) / 1000,
                    attempts: row["attempts"], finishReason: row["finish_reason"], seed: row["seed"],
                    requestHash: row["request_hash"], formatError: row["format_error"], thought: row["thought"], costUSD: row["cost_usd"])
                call.cachedPromptTokens = row["cached_prompt_tokens"]
                call.cacheWritePromptTokens = row["cache_write_tokens"]
                return Turn(role: ChatRole(rawValue: row["role"]) ?? .user, text: row["text"], call: call)
            }
            return Transcript(
                turns: turns, endReason: EndReason(rawValue: conversation["end_reason"]) ?? .maxExchanges,
                failure: conversation["failure"])
        }
    }

    /// Copies a conversation (messages and the scores not in `dropping`) into run `runID`, and adds
    /// `scores` and the calls of `verdicts` to the copy, in one transaction.
    /// - Returns: The copy's id.
    @discardableResult
    public func copyConversation(
        _ conversationID: Int64, toRun runID: String, dropping: (String) -> Bool, adding scores: [ScoreEntry], verdicts: [JudgeVerdict]
    ) throws -> Int64 {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO conversations (run_id, task_id, trial, seed, status, end_reason, exchanges, failure, started_at, finished_at)
                    SELECT ?, task_id, trial, seed, status, end_reason, exchanges, failure, started_at, finished_at FROM conversations WHERE id = ?
                    """,
                arguments: [runID, conversationID])
            let copy = db.lastInsertedRowID
            try db.execute(
                sql: """
                    INSERT INTO messages (conversation_id, idx, role, text, tokens, model, raw_reply, thought, format_error,
                        prompt_tokens, completion_tokens, latency_ms, attempts, finish_reason, seed, request_hash, ttft_ms, tokens_per_second, cost_usd,
                        cached_prompt_tokens, cache_write_tokens)
                    SELECT ?, idx, role, text, tokens, model, raw_reply, thought, format_error, prompt_tokens, completion_tokens,
                        latency_ms, attempts, finish_reason, seed, request_hash, ttft_ms, tokens_per_second, cost_usd,
                        cached_prompt_tokens, cache_write_tokens FROM messages WHERE conversation_id = ?
                    """,
                arguments: [copy, conversationID])
            for row in try Row.fetchAll(db, sql: "SELECT * FROM scores WHERE conversation_id = ?", arguments: [conversationID]) {
                let metric: String = row["metric"]
                guard !dropping(metric) else { continue }
                try db.execute(
                    sql: "INSERT INTO scores (conversation_id, metric, value, status, method, detail) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [copy, metric, row["value"] as Double?, row["status"] as String, row["method"] as String, row["detail"] as String?])
            }
            for score in scores {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO scores (conversation_id, metric, value, status, method, detail) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [copy, score.metric, score.value, score.status.rawValue, score.method, score.detail])
            }
            for verdict in verdicts {
                for (attempt, call) in verdict.calls.enumerated() {
                    try Self.insertJudgeCall(call, attempt: attempt, of: verdict, conversation: copy, into: db)
                }
            }
            // The copy's cost: its copied messages as they were paid, plus the new judge calls.
            try db.execute(
                sql: """
                    UPDATE conversations SET
                        cost_usd = (SELECT SUM(cost_usd) FROM (
                            SELECT cost_usd FROM messages WHERE conversation_id = :id UNION ALL SELECT cost_usd FROM judge_calls WHERE conversation_id = :id)),
                        unpriced_calls = (SELECT COUNT(*) FROM (
                            SELECT cost_usd FROM messages WHERE conversation_id = :id UNION ALL SELECT cost_usd FROM judge_calls WHERE conversation_id = :id)
                            WHERE cost_usd IS NULL)
                    WHERE id = :id
                    """,
                arguments: ["id": copy])
            return copy
        }
    }
}
