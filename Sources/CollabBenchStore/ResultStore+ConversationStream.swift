import CollabBenchCore
import Foundation
import GRDB

extension ResultStore {
    /// Calls `body` with every conversation of `runID` — its scores, and the persona and
    /// simulator-gate verdict it has (nil when none) — in id order, as ``conversations(runID:)``
    /// gives them, but read through cursors one conversation at a time, so a run is never whole
    /// in memory (`export --format json` writes each one as it comes).
    ///
    /// `body` runs inside the store's read: it must not call the store.
    /// - Throws: ``CollabBenchError`` (`.storeError`), or what `body` throws.
    public func forEachConversation(
        runID: String,
        _ body: (StoredConversation, _ persona: (id: String, traits: [String: String])?, _ gate: GateRecord?) throws -> Void
    ) throws {
        try read { db in
            let conversations = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, task_id, trial, seed, status, end_reason, exchanges, failure, started_at, finished_at
                    FROM conversations WHERE run_id = ? ORDER BY id
                    """, arguments: [runID])
            let scores = try Row.fetchCursor(
                db,
                sql: """
                    SELECT s.conversation_id, s.metric, s.value, s.status, s.method, s.detail FROM scores s
                    JOIN conversations c ON c.id = s.conversation_id WHERE c.run_id = ? ORDER BY s.conversation_id
                    """, arguments: [runID])
            var pending: (id: Int64, entry: ScoreEntry)?
            func nextScore() throws -> (id: Int64, entry: ScoreEntry)? {
                guard let row = try scores.next() else { return nil }
                return (row["conversation_id"], Self.scoreEntry(row))
            }
            pending = try nextScore()
            // Stores before schema v11 have no personas or gate verdicts.
            let sidecars = try db.tableExists("conversation_personas")
            while let row = try conversations.next() {
                let id: Int64 = row["id"]
                var conversation = Self.storedConversation(row, runID: runID)
                while let score = pending, score.id <= id {
                    if score.id == id { conversation.scores[score.entry.metric] = score.entry }
                    pending = try nextScore()
                }
                let sidecar = sidecars
                    ? try Self.personaAndGate(runID: runID, taskID: conversation.taskID, trial: conversation.trial, db) : (persona: nil, gate: nil)
                try body(conversation, sidecar.persona, sidecar.gate)
            }
        }
    }

    /// How many conversations `runID` has.
    /// - Throws: ``CollabBenchError`` (`.storeError`).
    public func conversationCount(runID: String) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conversations WHERE run_id = ?", arguments: [runID]) ?? 0 }
    }

    /// Calls `body` with every conversation of `runID` and its messages, read through cursors one
    /// conversation at a time: first those with messages, in id order, then those without (as the
    /// HTML exports lay them out). Neither the run's conversations nor its transcripts are ever all
    /// in memory.
    ///
    /// `body` runs inside the store's read: it must not call the store.
    /// - Throws: ``CollabBenchError`` (`.storeError`), or what `body` throws.
    public func forEachConversationTranscript(runID: String, _ body: (StoredConversation, [StoredMessage]) throws -> Void) throws {
        try read { db in
            for withMessages in [true, false] {
                let has = "EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)"
                let filter = withMessages ? has : "NOT " + has
                let conversations = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT c.id, c.task_id, c.trial, c.seed, c.status, c.end_reason, c.exchanges, c.failure, c.started_at, c.finished_at
                        FROM conversations c WHERE c.run_id = ? AND \(filter) ORDER BY c.id
                        """, arguments: [runID])
                let scores = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT s.conversation_id, s.metric, s.value, s.status, s.method, s.detail FROM scores s
                        JOIN conversations c ON c.id = s.conversation_id WHERE c.run_id = ? AND \(filter) ORDER BY s.conversation_id
                        """, arguments: [runID])
                let messages = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT m.conversation_id, m.idx, m.role, m.text, m.tokens, m.model, m.raw_reply, m.thought, m.format_error,
                            m.latency_ms, m.attempts, m.finish_reason
                        FROM messages m JOIN conversations c ON c.id = m.conversation_id
                        WHERE c.run_id = ? ORDER BY m.conversation_id, m.idx
                        """, arguments: withMessages ? [runID] : [""])
                var score = try scores.next()
                var message = try messages.next()
                while let row = try conversations.next() {
                    let id: Int64 = row["id"]
                    var conversation = Self.storedConversation(row, runID: runID)
                    while let current = score, (current["conversation_id"] as Int64) <= id {
                        if (current["conversation_id"] as Int64) == id {
                            let entry = Self.scoreEntry(current)
                            conversation.scores[entry.metric] = entry
                        }
                        score = try scores.next()
                    }
                    var transcript: [StoredMessage] = []
                    while let current = message, (current["conversation_id"] as Int64) <= id {
                        if (current["conversation_id"] as Int64) == id { transcript.append(Self.storedMessage(current)) }
                        message = try messages.next()
                    }
                    try body(conversation, transcript)
                }
            }
        }
    }

    /// A conversation row (`id, task_id, trial, seed, status, end_reason, exchanges, failure,
    /// started_at, finished_at`) of `runID`, without its scores.
    static func storedConversation(_ row: Row, runID: String) -> StoredConversation {
        StoredConversation(
            id: row["id"], runID: runID, taskID: row["task_id"], trial: row["trial"], seed: row["seed"],
            status: ConversationStatus(storedText: row["status"]), endReason: row["end_reason"], exchanges: row["exchanges"],
            failure: row["failure"], startedAt: row["started_at"], finishedAt: row["finished_at"], scores: [:])
    }

    /// A score row (`metric, value, status, method, detail`).
    static func scoreEntry(_ row: Row) -> ScoreEntry {
        ScoreEntry(
            metric: row["metric"], value: row["value"], status: ScoreStatus(rawValue: row["status"]) ?? .failed, method: row["method"],
            detail: row["detail"])
    }
}
