import CollabBenchCore
import Foundation
import GRDB

/// A failed conversation that `run --retry-failed` replaced, as recorded in
/// `retried_conversations`.
public struct RetriedConversation: Sendable, Hashable {
    /// The run, task and trial of the conversation.
    public var runID: String
    public var taskID: String
    public var trial: Int
    /// Which attempt it was (1 for the conversation as first run).
    public var attempt: Int
    /// How it ended (always failed when written by this version).
    public var status: ConversationStatus
    public var endReason: String
    /// Exchanges it reached before failing.
    public var exchanges: Int
    /// The failure text.
    public var failure: String?
    /// ISO-8601 start and end of the attempt, and when it was replaced.
    public var startedAt: String
    public var finishedAt: String
    public var retriedAt: String
    /// What its calls cost in US dollars (nil when unknown) and how many calls had no known cost.
    public var costUSD: Double?
    public var unpricedCalls: Int
}

extension ResultStore {
    // MARK: - Retrying failed conversations

    /// The number of conversations of `runID` that failed (stored with any status but completed).
    public func failedConversationCount(runID: String) throws -> Int {
        try read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM conversations WHERE run_id = ? AND status != ?",
                arguments: [runID, ConversationStatus.completed.rawValue]) ?? 0
        }
    }

    /// Takes the failed conversations of `runID` whose `task#trial` key is in `keys` out of the
    /// run, so that the run's next invocation runs them again: each is recorded in
    /// `retried_conversations` with its attempt number and then deleted with its messages, scores
    /// and judge calls, all in one transaction. Reports count each task and trial once (the new
    /// attempt, once stored); until then the run lacks them, as an interrupted run would.
    /// - Parameters:
    ///   - runID: The run.
    ///   - keys: The conversations the caller will run again (`task#trial`, as ``finishedKeys(runID:)``).
    ///   - time: ISO-8601 time recorded as `retried_at`.
    /// - Returns: The keys taken out.
    @discardableResult
    public func takeOutFailedConversations(runID: String, among keys: Set<String>, at time: String) throws -> Set<String> {
        try write { db in
            let failed = try Row.fetchAll(
                db, sql: "SELECT id, task_id, trial FROM conversations WHERE run_id = ? AND status != ? ORDER BY id",
                arguments: [runID, ConversationStatus.completed.rawValue])
            var taken: Set<String> = []
            for row in failed {
                let key = "\(row["task_id"] as String)#\(row["trial"] as Int)"
                guard keys.contains(key) else { continue }
                let id: Int64 = row["id"]
                try db.execute(
                    sql: """
                        INSERT INTO retried_conversations (run_id, task_id, trial, attempt, seed, status, end_reason, exchanges, failure,
                            started_at, finished_at, cost_usd, unpriced_calls, retried_at)
                        SELECT c.run_id, c.task_id, c.trial,
                            1 + (SELECT COUNT(*) FROM retried_conversations r WHERE r.run_id = c.run_id AND r.task_id = c.task_id AND r.trial = c.trial),
                            c.seed, c.status, c.end_reason, c.exchanges, c.failure, c.started_at, c.finished_at, c.cost_usd, c.unpriced_calls, ?
                        FROM conversations c WHERE c.id = ?
                        """,
                    arguments: [time, id])
                try db.execute(sql: "DELETE FROM conversations WHERE id = ?", arguments: [id])
                taken.insert(key)
            }
            return taken
        }
    }

    /// The failed attempts of `runID`'s conversations that retries replaced, by task, trial and
    /// attempt.
    public func retriedConversations(runID: String) throws -> [RetriedConversation] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM retried_conversations WHERE run_id = ? ORDER BY task_id, trial, attempt", arguments: [runID]
            ).map { row in
                RetriedConversation(
                    runID: row["run_id"], taskID: row["task_id"], trial: row["trial"], attempt: row["attempt"],
                    status: ConversationStatus(storedText: row["status"]), endReason: row["end_reason"], exchanges: row["exchanges"],
                    failure: row["failure"], startedAt: row["started_at"], finishedAt: row["finished_at"], retriedAt: row["retried_at"],
                    costUSD: row["cost_usd"], unpricedCalls: row["unpriced_calls"])
            }
        }
    }

    /// Copies the retry records of the attached database `src` that this store lacks.
    static func mergeRetriedConversations(_ db: Database) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO main.retried_conversations (run_id, task_id, trial, attempt, seed, status, end_reason, exchanges, failure,
                started_at, finished_at, cost_usd, unpriced_calls, retried_at)
            SELECT run_id, task_id, trial, attempt, seed, status, end_reason, exchanges, failure,
                started_at, finished_at, cost_usd, unpriced_calls, retried_at FROM src.retried_conversations
            """)
    }
}
