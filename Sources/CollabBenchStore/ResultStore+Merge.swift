import CollabBenchCore
import Foundation
import GRDB

/// What a merge added.
public struct MergeReport: Sendable, Hashable {
    /// Runs that were new to the destination.
    public var runsAdded: Int
    /// Conversations added (those already present, by run, task and trial, are skipped).
    public var conversationsAdded: Int
    /// Conversations skipped as duplicates.
    public var conversationsSkipped: Int
    /// Cached replies added.
    public var cacheEntriesAdded: Int
}

extension ResultStore {
    /// Copies every run, conversation (with messages, scores, judge calls, persona and simulator-gate
    /// verdict), prompt, pack snapshot, retry record, provider batch and cached reply of the store
    /// at `path` into this one, skipping what
    /// is already here: a conversation is identified by its run, task and trial, so merging shards
    /// of one run, or the same store twice, adds no duplicates. Runs whose conversations are then
    /// all present are marked completed.
    ///
    /// The source is opened read-only (``OpenMode/readOnly``): it is never migrated or written, and
    /// a source of an older schema is read through a migrated temporary copy.
    /// - Throws: ``CollabBenchError`` (`.storeError`) naming the file (also when it is this store
    ///   itself, or not a CollabBench store); nothing is written then.
    public func merge(from path: String) throws -> MergeReport {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CollabBenchError(.storeError, "cannot merge \(path): no such file")
        }
        if Self.sameFile(path, self.path) {
            throw CollabBenchError(.storeError, "cannot merge \(path) into itself: the source and the destination are the same store")
        }
        let source = try ResultStore(path: path, mode: .readOnly)
        return try withExtendedLifetime(source) { try merge(attaching: source.readablePath) }
    }

    /// Whether `a` and `b` name the same file (same device and inode; the same path when one
    /// does not exist).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat()
        var sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else {
            return URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
        }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    /// Merges the CollabBench store file at `path` (already checked, at the current schema).
    private func merge(attaching path: String) throws -> MergeReport {
        try writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS src", arguments: [path])
            defer { try? db.execute(sql: "DETACH DATABASE src") }
            var report = MergeReport(runsAdded: 0, conversationsAdded: 0, conversationsSkipped: 0, cacheEntriesAdded: 0)
            try db.inTransaction {
                let runColumns = "id, name, created_at, finished_at, status, pack_name, pack_version, pack_kind, pack_hash, agent, agent_preset, user_simulator, judge, seed, task_count, config_json, collabbench_version, config_hash"
                try db.execute(sql: "INSERT OR IGNORE INTO prompts (hash, name, text) SELECT hash, name, text FROM src.prompts")
                try db.execute(sql: "INSERT OR IGNORE INTO runs (\(runColumns)) SELECT \(runColumns) FROM src.runs")
                report.runsAdded = db.changesCount
                try db.execute(sql: "INSERT OR IGNORE INTO run_prompts (run_id, name, hash) SELECT run_id, name, hash FROM src.run_prompts")
                try Self.mergePackSnapshots(db)
                try Self.mergeRetriedConversations(db)
                try db.execute(sql: """
                    CREATE TEMP TABLE merge_map AS
                    SELECT s.id AS src_id, s.run_id, s.task_id, s.trial FROM src.conversations s
                    WHERE NOT EXISTS (SELECT 1 FROM main.conversations m WHERE m.run_id = s.run_id AND m.task_id = s.task_id AND m.trial = s.trial)
                    """)
                defer { try? db.execute(sql: "DROP TABLE temp.merge_map") }
                let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM src.conversations") ?? 0
                try db.execute(sql: """
                    INSERT INTO main.conversations (run_id, task_id, trial, seed, status, end_reason, exchanges, failure, started_at, finished_at,
                        cost_usd, unpriced_calls)
                    SELECT s.run_id, s.task_id, s.trial, s.seed, s.status, s.end_reason, s.exchanges, s.failure, s.started_at, s.finished_at,
                        s.cost_usd, s.unpriced_calls
                    FROM src.conversations s JOIN temp.merge_map k ON k.src_id = s.id ORDER BY s.id
                    """)
                report.conversationsAdded = db.changesCount
                report.conversationsSkipped = total - report.conversationsAdded
                let mapped = """
                    FROM temp.merge_map k JOIN main.conversations m
                      ON m.run_id = k.run_id AND m.task_id = k.task_id AND m.trial = k.trial
                    """
                try db.execute(sql: """
                    INSERT INTO main.messages (conversation_id, idx, role, text, tokens, model, raw_reply, thought, format_error,
                        prompt_tokens, completion_tokens, latency_ms, attempts, finish_reason, seed, request_hash, ttft_ms, tokens_per_second, cost_usd,
                        cached_prompt_tokens, cache_write_tokens)
                    SELECT m.id, x.idx, x.role, x.text, x.tokens, x.model, x.raw_reply, x.thought, x.format_error, x.prompt_tokens,
                        x.completion_tokens, x.latency_ms, x.attempts, x.finish_reason, x.seed, x.request_hash, x.ttft_ms, x.tokens_per_second,
                        x.cost_usd, x.cached_prompt_tokens, x.cache_write_tokens
                    \(mapped) JOIN src.messages x ON x.conversation_id = k.src_id
                    """)
                try db.execute(sql: """
                    INSERT INTO main.scores (conversation_id, metric, value, status, method, detail)
                    SELECT m.id, x.metric, x.value, x.status, x.method, x.detail \(mapped) JOIN src.scores x ON x.conversation_id = k.src_id
                    """)
                try db.execute(sql: """
                    INSERT INTO main.judge_calls (conversation_id, criterion, attempt, model, prompt_hash, raw_reply, readable, latency_ms, seed, request_hash,
                        prompt_tokens, completion_tokens, cost_usd, cached_prompt_tokens, cache_write_tokens)
                    SELECT m.id, x.criterion, x.attempt, x.model, x.prompt_hash, x.raw_reply, x.readable, x.latency_ms, x.seed, x.request_hash,
                        x.prompt_tokens, x.completion_tokens, x.cost_usd, x.cached_prompt_tokens, x.cache_write_tokens
                    \(mapped) JOIN src.judge_calls x ON x.conversation_id = k.src_id
                    """)
                // Personas and gate verdicts are keyed by run, task and trial, like the conversations;
                // batches by their provider ids (so a merged store re-attaches as its source would).
                try db.execute(sql: """
                    INSERT OR IGNORE INTO main.conversation_personas (run_id, task_id, trial, persona_id, traits_json, persona_json)
                    SELECT run_id, task_id, trial, persona_id, traits_json, persona_json FROM src.conversation_personas
                    """)
                try db.execute(sql: """
                    INSERT OR IGNORE INTO main.conversation_gate (run_id, task_id, trial, outcome, reasons, attempts)
                    SELECT run_id, task_id, trial, outcome, reasons, attempts FROM src.conversation_gate
                    """)
                try db.execute(sql: """
                    INSERT OR IGNORE INTO main.batches (id, provider, model, state, request_count, detail, created_at, finished_at)
                    SELECT id, provider, model, state, request_count, detail, created_at, finished_at FROM src.batches
                    """)
                try db.execute(sql: """
                    INSERT OR IGNORE INTO main.batch_requests (batch_id, custom_id, request_key, state, detail)
                    SELECT batch_id, custom_id, request_key, state, detail FROM src.batch_requests
                    """)
                try db.execute(sql: """
                    INSERT OR IGNORE INTO main.response_cache (key, model, text, finish_reason, prompt_tokens, completion_tokens, served_model, created_at)
                    SELECT key, model, text, finish_reason, prompt_tokens, completion_tokens, served_model, created_at FROM src.response_cache
                    """)
                report.cacheEntriesAdded = db.changesCount
                try db.execute(
                    sql: """
                        UPDATE main.runs SET status = :completed
                        WHERE status != :completed AND task_count <= (SELECT COUNT(*) FROM main.conversations c WHERE c.run_id = runs.id)
                        """,
                    arguments: ["completed": RunStatus.completed.rawValue])
                return .commit
            }
            return report
        }
    }

    func writeWithoutTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction(body)
        } catch let error as CollabBenchError {
            throw error
        } catch let error as DatabaseError {
            throw CollabBenchError(.storeError, "database \(path): \(error.message ?? error.description)")
        }
    }
}
