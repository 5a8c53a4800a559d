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
                return (
                    row["conversation_id"],
                    ScoreEntry(
                        metric: row["metric"], value: row["value"], status: ScoreStatus(rawValue: row["status"]) ?? .failed,
                        method: row["method"], detail: row["detail"])
                )
            }
            pending = try nextScore()
            while let row = try conversations.next() {
                let id: Int64 = row["id"]
                var conversation = StoredConversation(
                    id: id, runID: runID, taskID: row["task_id"], trial: row["trial"], seed: row["seed"],
                    status: ConversationStatus(storedText: row["status"]), endReason: row["end_reason"], exchanges: row["exchanges"],
                    failure: row["failure"], startedAt: row["started_at"], finishedAt: row["finished_at"], scores: [:])
                while let score = pending, score.id <= id {
                    if score.id == id { conversation.scores[score.entry.metric] = score.entry }
                    pending = try nextScore()
                }
                let sidecar = try Self.personaAndGate(runID: runID, taskID: conversation.taskID, trial: conversation.trial, db)
                try body(conversation, sidecar.persona, sidecar.gate)
            }
        }
    }
}
