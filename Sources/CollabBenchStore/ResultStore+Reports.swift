import CollabBenchCore
import Foundation
import GRDB

/// One stored message, as reports show it.
public struct StoredMessage: Sendable, Hashable, Codable {
    /// Position in the conversation (0 = the simulated user's first message).
    public var index: Int
    /// `user` or `assistant`.
    public var role: String
    /// The text that was sent.
    public var text: String
    /// cl100k tokens of the text, when counted.
    public var tokens: Int?
    /// The model spec that wrote it.
    public var model: String
    /// The raw model reply (for the simulator, the JSON it answered).
    public var rawReply: String
    /// The simulator's private thought, when it gave one.
    public var thought: String?
    /// True when a JSON reply was requested and not given.
    public var formatError: Bool
    /// Wall-clock milliseconds of the call, retries included.
    public var latencyMs: Double
    /// HTTP attempts.
    public var attempts: Int
    /// Why generation stopped.
    public var finishReason: String?
}

/// One stored conversation with its metadata and scores.
public struct StoredConversation: Sendable, Hashable {
    /// Row id.
    public var id: Int64
    /// The run.
    public var runID: String
    /// The task.
    public var taskID: String
    /// Trial number (0-based).
    public var trial: Int
    /// The conversation's seed.
    public var seed: Int
    /// How it ended (`conversations.status`).
    public var status: ConversationStatus
    /// Why it ended.
    public var endReason: String
    /// User/assistant exchanges.
    public var exchanges: Int
    /// For failed conversations, what failed.
    public var failure: String?
    /// ISO-8601 start and end.
    public var startedAt: String
    public var finishedAt: String
    /// Metric → entry.
    public var scores: [String: ScoreEntry]
}

/// How often the models that are not under test misbehaved in a run.
public struct RunQualityCounts: Sendable, Hashable, Codable {
    /// Messages of the simulated user.
    public var userMessages: Int
    /// Of those, replies that were not the requested JSON (`messages.format_error = 1`).
    public var userFormatErrors: Int
    /// Judge calls made (retries included).
    public var judgeCalls: Int
    /// Of those, replies that could not be read (`judge_calls.readable = 0`).
    public var judgeUnreadable: Int

    /// Creates counts.
    public init(userMessages: Int = 0, userFormatErrors: Int = 0, judgeCalls: Int = 0, judgeUnreadable: Int = 0) {
        self.userMessages = userMessages
        self.userFormatErrors = userFormatErrors
        self.judgeCalls = judgeCalls
        self.judgeUnreadable = judgeUnreadable
    }

    /// The sum of two counts.
    public static func + (a: Self, b: Self) -> Self {
        Self(
            userMessages: a.userMessages + b.userMessages, userFormatErrors: a.userFormatErrors + b.userFormatErrors,
            judgeCalls: a.judgeCalls + b.judgeCalls, judgeUnreadable: a.judgeUnreadable + b.judgeUnreadable)
    }

    /// Share of user messages with a format error, or nil when there are none.
    public var simulatorFormatErrorRate: Double? {
        userMessages == 0 ? nil : Double(userFormatErrors) / Double(userMessages)
    }

    /// Share of judge calls whose reply could not be read, or nil when there are none.
    public var judgeUnreadableRate: Double? {
        judgeCalls == 0 ? nil : Double(judgeUnreadable) / Double(judgeCalls)
    }
}

extension ResultStore {
    /// Simulator format errors and unreadable judge replies of run `runID`.
    public func qualityCounts(runID: String) throws -> RunQualityCounts {
        try read { db in
            let user = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS n, COALESCE(SUM(m.format_error != 0), 0) AS bad FROM messages m
                    JOIN conversations c ON c.id = m.conversation_id WHERE c.run_id = ? AND m.role = 'user'
                    """, arguments: [runID])
            let judge = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS n, COALESCE(SUM(j.readable = 0), 0) AS bad FROM judge_calls j
                    JOIN conversations c ON c.id = j.conversation_id WHERE c.run_id = ?
                    """, arguments: [runID])
            return RunQualityCounts(
                userMessages: user?["n"] ?? 0, userFormatErrors: user?["bad"] ?? 0,
                judgeCalls: judge?["n"] ?? 0, judgeUnreadable: judge?["bad"] ?? 0)
        }
    }

    /// Every conversation of `runID` with its metadata and scores, in storage order.
    public func conversations(runID: String) throws -> [StoredConversation] {
        try read { db in
            var result: [StoredConversation] = []
            var position: [Int64: Int] = [:]
            let sql = """
                SELECT id, task_id, trial, seed, status, end_reason, exchanges, failure, started_at, finished_at
                FROM conversations WHERE run_id = ? ORDER BY id
                """
            let rows = try Row.fetchCursor(db, sql: sql, arguments: [runID])
            while let row = try rows.next() {
                let id: Int64 = row["id"]
                position[id] = result.count
                result.append(Self.storedConversation(row, runID: runID))
            }
            let scores = try Row.fetchCursor(
                db,
                sql: """
                    SELECT s.conversation_id, s.metric, s.value, s.status, s.method, s.detail FROM scores s
                    JOIN conversations c ON c.id = s.conversation_id WHERE c.run_id = ?
                    """, arguments: [runID])
            while let row = try scores.next() {
                let id: Int64 = row["conversation_id"]
                guard let index = position[id] else { continue }
                let entry = Self.scoreEntry(row)
                result[index].scores[entry.metric] = entry
            }
            return result
        }
    }

    /// The stored messages of one conversation, in order.
    public func storedMessages(conversationID: Int64) throws -> [StoredMessage] {
        try read { db in
            try Row.fetchAll(db, sql: "\(Self.messageColumns) WHERE conversation_id = ? ORDER BY idx", arguments: [conversationID])
                .map(Self.storedMessage)
        }
    }

    private static let messageColumns = """
        SELECT idx, role, text, tokens, model, raw_reply, thought, format_error, latency_ms, attempts, finish_reason FROM messages
        """

    static func storedMessage(_ row: Row) -> StoredMessage {
        StoredMessage(
            index: row["idx"], role: row["role"], text: row["text"], tokens: row["tokens"], model: row["model"],
            rawReply: row["raw_reply"], thought: row["thought"], formatError: row["format_error"],
            latencyMs: row["latency_ms"], attempts: row["attempts"], finishReason: row["finish_reason"])
    }
}
