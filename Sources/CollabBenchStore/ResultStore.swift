import CollabBenchCore
import Foundation
import GRDB

/// The SQLite store of runs, conversations, messages, scores and judge calls.
///
/// WAL mode; each finished conversation is written in one transaction, so an interrupted run
/// leaves a consistent store. All SQL of CollabBench lives in this module.
public final class ResultStore: Sendable {
    let pool: DatabasePool
    /// The database file.
    public let path: String
    /// The migrated temporary copy read instead of an older store opened read-only (kept alive
    /// as long as the store).
    let workingCopy: TemporaryStoreCopy?

    /// The file SQLite reads: ``path``, or the migrated copy of an older store opened read-only.
    var readablePath: String { workingCopy?.path ?? path }

    /// Opens the store at `path`: for `.readWrite` (the default) creating it if needed and
    /// migrating it to the current schema; for `.readOnly` changing nothing (see
    /// ``OpenMode``). Either way an existing file that is not a CollabBench store, is from a newer
    /// version, or fails SQLite's quick check is refused and left untouched.
    /// - Throws: ``CollabBenchError`` (`.storeError`) naming the path and the cause.
    public init(path: String, mode: OpenMode = .readWrite) throws {
        self.path = path
        let opened = try StoreOpener.open(path: path, mode: mode)
        pool = opened.pool
        workingCopy = opened.copy
    }

    /// The schema version recorded in the store.
    public func schemaVersion() throws -> Int {
        try read { db in try Int(String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'") ?? "0") ?? 0 }
    }

    // MARK: - Runs

    /// Records a new run with the prompts it uses.
    public func createRun(_ run: RunRecord, prompts: [PromptTemplate]) throws {
        try write { db in try Self.insertRun(run, prompts: prompts, into: db) }
    }

    /// Inserts `run` and its prompts.
    static func insertRun(_ run: RunRecord, prompts: [PromptTemplate], into db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO runs (id, name, created_at, finished_at, status, pack_name, pack_version, pack_kind, pack_hash,
                    agent, agent_preset, user_simulator, judge, seed, task_count, config_json, collabbench_version, config_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                run.id, run.name, run.createdAt, run.finishedAt, run.status.rawValue, run.packName, run.packVersion,
                run.packKind.rawValue, run.packHash, run.agent, run.agentPreset, run.userSimulator, run.judge,
                run.seed, run.taskCount, run.configJSON, run.collabbenchVersion, run.configHash,
            ])
        for prompt in prompts {
            try db.execute(sql: "INSERT OR IGNORE INTO prompts (hash, name, text) VALUES (?, ?, ?)", arguments: [prompt.hash, prompt.name, prompt.text])
            try db.execute(sql: "INSERT INTO run_prompts (run_id, name, hash) VALUES (?, ?, ?)", arguments: [run.id, prompt.name, prompt.hash])
        }
    }

    /// Marks a run as running again (when it is resumed).
    public func reopenRun(id: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE runs SET status = ?, finished_at = NULL WHERE id = ?", arguments: [RunStatus.running.rawValue, id])
        }
    }

    /// The newest run with this configuration hash, if any.
    public func latestRun(configHash: String) throws -> RunRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE config_hash = ? ORDER BY created_at DESC LIMIT 1", arguments: [configHash])
                .map(Self.runRecord)
        }
    }

    /// Marks a run finished with `status`.
    public func finishRun(id: String, status: RunStatus, at time: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE runs SET status = ?, finished_at = ? WHERE id = ?", arguments: [status.rawValue, time, id])
        }
    }

    /// All runs, oldest first.
    public func runs() throws -> [RunRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY created_at, id").map(Self.runRecord)
        }
    }

    /// The run with id or name `key`, if any (ids win over names; the newest run of a name wins).
    public func run(_ key: String) throws -> RunRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ? OR name = ? ORDER BY (id = ?) DESC, created_at DESC LIMIT 1", arguments: [key, key, key])
                .map(Self.runRecord)
        }
    }

    static func runRecord(_ row: Row) -> RunRecord {
        RunRecord(
            id: row["id"], name: row["name"], createdAt: row["created_at"], finishedAt: row["finished_at"], status: RunStatus(storedText: row["status"]),
            packName: row["pack_name"], packVersion: row["pack_version"], packKind: TaskKind(rawValue: row["pack_kind"]) ?? .math,
            packHash: row["pack_hash"], agent: row["agent"], agentPreset: row["agent_preset"], userSimulator: row["user_simulator"],
            judge: row["judge"], seed: row["seed"], taskCount: row["task_count"], configJSON: row["config_json"],
            collabbenchVersion: row["collabbench_version"], configHash: row["config_hash"])
    }

    // MARK: - Conversations

    /// Saves a finished conversation with its messages, scores and judge calls, atomically.
    /// - Returns: The conversation's row id.
    @discardableResult
    public func save(_ result: ConversationResult) throws -> Int64 {
        try write { db in try Self.insert(result, into: db) }
    }

    /// Saves a finished conversation like ``save(_:)`` on the store's writer queue, so the calling
    /// task's thread is free while SQLite works (the runner's path).
    @discardableResult
    public func commit(_ result: ConversationResult) async throws -> Int64 {
        // Not cancellable: a conversation that finished before Ctrl-C is still committed.
        try await Task.detached { [self] in try await writeAsync { db in try Self.insert(result, into: db) } }.value
    }

    static func insert(_ result: ConversationResult, into db: Database) throws -> Int64 {
        let t = result.transcript
        let cost = result.cost
        try db.cachedStatement(
            sql: """
                INSERT INTO conversations (run_id, task_id, trial, seed, status, end_reason, exchanges, failure, started_at, finished_at,
                    cost_usd, unpriced_calls)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                result.runID, result.taskID, result.trial, result.seed, ConversationStatus(endReason: t.endReason).rawValue,
                t.endReason.rawValue, t.exchanges, t.failure, result.startedAt, result.finishedAt, cost.usd, cost.unpricedCalls,
            ])
        let id = db.lastInsertedRowID
        for (index, turn) in t.turns.enumerated() {
            let c = turn.call
            try db.cachedStatement(
                sql: """
                    INSERT INTO messages (conversation_id, idx, role, text, tokens, model, raw_reply, thought, format_error,
                        prompt_tokens, completion_tokens, latency_ms, attempts, finish_reason, seed, request_hash, ttft_ms, tokens_per_second,
                        cost_usd, cached_prompt_tokens, cache_write_tokens)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    id, index, turn.role.rawValue, turn.text, index < result.turnTokens.count ? result.turnTokens[index] : nil,
                    c.model, c.rawReply, c.thought, c.formatError, c.promptTokens, c.completionTokens, c.latencySeconds * 1000,
                    c.attempts, c.finishReason, c.seed, c.requestHash, c.timeToFirstTokenSeconds.map { $0 * 1000 }, c.tokensPerSecond,
                    c.costUSD, c.cachedPromptTokens, c.cacheWritePromptTokens,
                ])
        }
        for score in result.scores {
            try db.cachedStatement(sql: "INSERT INTO scores (conversation_id, metric, value, status, method, detail) VALUES (?, ?, ?, ?, ?, ?)")
                .execute(arguments: [id, score.metric, score.value, score.status.rawValue, score.method, score.detail])
        }
        for verdict in result.verdicts {
            for (attempt, call) in verdict.calls.enumerated() {
                try insertJudgeCall(call, attempt: attempt, of: verdict, conversation: id, into: db)
            }
        }
        return id
    }

    /// Inserts one judge call of `verdict` for conversation `id`.
    static func insertJudgeCall(_ call: CallRecord, attempt: Int, of verdict: JudgeVerdict, conversation id: Int64, into db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO judge_calls (conversation_id, criterion, attempt, model, prompt_hash, raw_reply, readable, latency_ms, seed, request_hash,
                    prompt_tokens, completion_tokens, cost_usd, cached_prompt_tokens, cache_write_tokens)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                id, verdict.criterion, attempt, call.model, verdict.promptHash, call.rawReply, !call.formatError,
                call.latencySeconds * 1000, call.seed, call.requestHash, call.promptTokens, call.completionTokens, call.costUSD,
                call.cachedPromptTokens, call.cacheWritePromptTokens,
            ])
    }

    /// Task ids and trials already stored for `runID` (to resume or skip).
    public func finishedKeys(runID: String) throws -> Set<String> {
        try read { db in
            Set(try Row.fetchAll(db, sql: "SELECT task_id, trial FROM conversations WHERE run_id = ?", arguments: [runID])
                .map { "\($0["task_id"] as String)#\($0["trial"] as Int)" })
        }
    }

    /// Every conversation of `runID` with its scores, in task order of storage.
    public func conversationScores(runID: String) throws -> [ConversationScores] {
        try read { db in
            var byID: [Int64: ConversationScores] = [:]
            var order: [Int64] = []
            // Cursors, not fetchAll: the rows are read one at a time, so only the results are held
            // (on a 100k-conversation store, fetchAll's rows were over a third of the leaderboard's peak memory).
            let conversations = try Row.fetchCursor(
                db, sql: "SELECT id, task_id, trial, status, end_reason FROM conversations WHERE run_id = ? ORDER BY id", arguments: [runID])
            while let row = try conversations.next() {
                let id: Int64 = row["id"]
                order.append(id)
                byID[id] = ConversationScores(
                    conversationID: id, runID: runID, taskID: row["task_id"], trial: row["trial"],
                    status: ConversationStatus(storedText: row["status"]), endReason: row["end_reason"], scores: [:])
            }
            let sql = """
                SELECT s.conversation_id, s.metric, s.value, s.status, s.method, s.detail FROM scores s
                JOIN conversations c ON c.id = s.conversation_id WHERE c.run_id = ?
                """
            let scores = try Row.fetchCursor(db, sql: sql, arguments: [runID])
            while let row = try scores.next() {
                let id: Int64 = row["conversation_id"]
                let entry = ScoreEntry(
                    metric: row["metric"], value: row["value"], status: ScoreStatus(rawValue: row["status"]) ?? .failed,
                    method: row["method"], detail: row["detail"])
                byID[id]?.scores[entry.metric] = entry
            }
            return order.compactMap { byID[$0] }
        }
    }

    /// The stored messages of one conversation: role, text, raw reply and format-error flag.
    public func messages(conversationID: Int64) throws -> [(role: String, text: String, rawReply: String, formatError: Bool)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT role, text, raw_reply, format_error FROM messages WHERE conversation_id = ? ORDER BY idx", arguments: [conversationID])
                .map { ($0["role"], $0["text"], $0["raw_reply"], $0["format_error"]) }
        }
    }

    // MARK: - Access

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch { throw Self.wrap(error, path) }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.write(body) } catch { throw Self.wrap(error, path) }
    }

    /// Reads without blocking the caller's thread (GRDB runs it on its reader queue).
    func readAsync<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.read(body) } catch { throw Self.wrap(error, path) }
    }

    /// Writes without blocking the caller's thread (GRDB runs it on its writer queue).
    func writeAsync<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.write(body) } catch { throw Self.wrap(error, path) }
    }

    private static func wrap(_ error: any Error, _ path: String) -> any Error {
        if let e = error as? CollabBenchError { return e }
        // A cancelled task (Ctrl-C) is the run stopping, not a store failure.
        if error is CancellationError { return error }
        if let e = error as? DatabaseError {
            return CollabBenchError(.storeError, "database \(path): \(e.message ?? e.description)")
        }
        return CollabBenchError(.storeError, "database \(path): \(error)")
    }
}

extension ResultStore {
    /// SQLite's `PRAGMA integrity_check` result (`ok` when the file is sound).
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
    }
}
