import CollabBenchCore
import Foundation
import GRDB

/// A batch submitted to a provider's batch API, as the store keeps it.
public struct StoredBatch: Sendable, Hashable {
    /// The provider's batch id.
    public var id: String
    /// `openai` or `anthropic`.
    public var provider: String
    /// The model its lines call (a spec without key).
    public var model: String
    /// Where it stands: `in_progress`, `completed`, `expired`, `failed`, `cancelled`, or
    /// `abandoned` (it could not be read any more; its calls were made directly).
    public var state: String
    /// Lines in it.
    public var requestCount: Int
    /// The provider's reason for a failed batch.
    public var detail: String?
    /// When it was submitted (ISO 8601).
    public var createdAt: String
    /// When it ended, if it has.
    public var finishedAt: String?

    /// Creates a record.
    public init(
        id: String, provider: String, model: String, state: String, requestCount: Int, detail: String? = nil, createdAt: String,
        finishedAt: String? = nil
    ) {
        self.id = id
        self.provider = provider
        self.model = model
        self.state = state
        self.requestCount = requestCount
        self.detail = detail
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }
}

/// One line of a stored batch: its `custom_id`, the call's response-cache key and its state
/// (`pending`, `answered`, or `direct` when the call was made directly instead).
public struct StoredBatchRequest: Sendable, Hashable {
    /// The batch.
    public var batchID: String
    /// The line's id in the batch.
    public var customID: String
    /// The call's response-cache key.
    public var requestKey: String
    /// `pending`, `answered` or `direct`.
    public var state: String
    /// Why it was made directly, when it was.
    public var detail: String?

    /// Creates a record.
    public init(batchID: String, customID: String, requestKey: String, state: String = "pending", detail: String? = nil) {
        self.batchID = batchID
        self.customID = customID
        self.requestKey = requestKey
        self.state = state
        self.detail = detail
    }
}

extension ResultStore {
    /// Records a submitted batch and the call each of its lines carries, in one transaction (before
    /// it is polled, so an interrupted run finds it again).
    public func recordBatch(_ batch: StoredBatch, requests: [StoredBatchRequest]) async throws {
        // Not cancellable: the batch exists at the provider; forgetting it would pay twice.
        try await Task.detached { [self] in
            try await writeAsync { db in
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO batches (id, provider, model, state, request_count, detail, created_at, finished_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        batch.id, batch.provider, batch.model, batch.state, batch.requestCount, batch.detail, batch.createdAt,
                        batch.finishedAt,
                    ])
                for request in requests {
                    try db.cachedStatement(
                        sql:
                            "INSERT OR REPLACE INTO batch_requests (batch_id, custom_id, request_key, state, detail) VALUES (?, ?, ?, ?, ?)"
                    ).execute(arguments: [batch.id, request.customID, request.requestKey, request.state, request.detail])
                }
            }
        }.value
    }

    /// Sets where batch `id` stands (and when it ended, for an ended one).
    public func updateBatch(id: String, state: String, detail: String? = nil, finishedAt: String?) async throws {
        try await writeAsync { db in
            try db.execute(
                sql: "UPDATE batches SET state = ?, detail = COALESCE(?, detail), finished_at = ? WHERE id = ?",
                arguments: [state, detail, finishedAt, id])
        }
    }

    /// Sets the state of lines `customIDs` of batch `batchID`.
    public func updateBatchRequests(batchID: String, customIDs: [String], state: String, detail: String? = nil) async throws {
        guard !customIDs.isEmpty else { return }
        try await writeAsync { db in
            for customID in customIDs {
                try db.cachedStatement(sql: "UPDATE batch_requests SET state = ?, detail = ? WHERE batch_id = ? AND custom_id = ?")
                    .execute(arguments: [state, detail, batchID, customID])
            }
        }
    }

    /// The newest line still worth waiting for that carries the call with response-cache key
    /// `requestKey` for `model`: pending or answered, in a batch that is in progress or completed.
    /// - Returns: The batch and the line, or nil when no such call was submitted.
    public func reattachableBatchRequest(requestKey: String, model: String) async throws -> (
        batch: StoredBatch, request: StoredBatchRequest
    )? {
        try await readAsync { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT b.*, r.custom_id, r.request_key, r.state AS request_state, r.detail AS request_detail
                    FROM batch_requests r JOIN batches b ON b.id = r.batch_id
                    WHERE r.request_key = ? AND b.model = ? AND r.state IN ('pending', 'answered') AND b.state IN ('in_progress', 'completed')
                    ORDER BY b.created_at DESC LIMIT 1
                    """,
                arguments: [requestKey, model]
            ).map { row in
                (
                    Self.storedBatch(row),
                    StoredBatchRequest(
                        batchID: row["id"], customID: row["custom_id"], requestKey: row["request_key"], state: row["request_state"],
                        detail: row["request_detail"])
                )
            }
        }
    }

    /// Every batch, oldest first.
    public func batches() throws -> [StoredBatch] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM batches ORDER BY created_at, id").map(Self.storedBatch)
        }
    }

    /// The lines of batch `batchID`, by `custom_id`.
    public func batchRequests(batchID: String) throws -> [StoredBatchRequest] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM batch_requests WHERE batch_id = ? ORDER BY custom_id", arguments: [batchID]).map {
                StoredBatchRequest(
                    batchID: $0["batch_id"], customID: $0["custom_id"], requestKey: $0["request_key"], state: $0["state"],
                    detail: $0["detail"])
            }
        }
    }

    static func storedBatch(_ row: Row) -> StoredBatch {
        StoredBatch(
            id: row["id"], provider: row["provider"], model: row["model"], state: row["state"], requestCount: row["request_count"],
            detail: row["detail"], createdAt: row["created_at"], finishedAt: row["finished_at"])
    }
}

/// One stored judge call, as the batch tests compare them.
public struct StoredJudgeCall: Sendable, Hashable {
    /// The conversation's task and trial (`task#trial`).
    public var conversation: String
    /// What was judged.
    public var criterion: String
    /// The attempt (0 first).
    public var attempt: Int
    /// The judge model.
    public var model: String
    /// The reply as it came.
    public var rawReply: String
    /// Whether it could be read.
    public var readable: Bool
    /// The call's seed.
    public var seed: Int?
    /// Hash of the messages sent.
    public var requestHash: String
    /// Tokens in and out, as reported.
    public var promptTokens: Int?
    /// Tokens generated, as reported.
    public var completionTokens: Int?
    /// What it cost in US dollars (nil when unknown).
    public var costUSD: Double?
}

extension ResultStore {
    /// Every judge call of run `runID`, by conversation, criterion and attempt.
    public func judgeCalls(runID: String) throws -> [StoredJudgeCall] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.task_id, c.trial, j.* FROM judge_calls j JOIN conversations c ON c.id = j.conversation_id
                    WHERE c.run_id = ? ORDER BY c.task_id, c.trial, j.criterion, j.attempt
                    """,
                arguments: [runID]
            ).map { row in
                StoredJudgeCall(
                    conversation: "\(row["task_id"] as String)#\(row["trial"] as Int)", criterion: row["criterion"],
                    attempt: row["attempt"],
                    model: row["model"], rawReply: row["raw_reply"], readable: row["readable"], seed: row["seed"],
                    requestHash: row["request_hash"],
                    promptTokens: row["prompt_tokens"], completionTokens: row["completion_tokens"], costUSD: row["cost_usd"])
            }
        }
    }
}
