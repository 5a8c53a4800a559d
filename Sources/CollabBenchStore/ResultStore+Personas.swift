import CollabBenchCore
import Foundation
import GRDB

/// What the simulator gate decided about one conversation (`conversation_gate`).
public struct GateRecord: Sendable, Hashable, Codable {
    /// `flagged` (kept, marked), `rerun` (a later attempt passed and replaced it) or `excluded`
    /// (every attempt broke the protocol; left out of the scores).
    public var outcome: String
    /// Why, e.g. `leak`, `self_answer`, `early_stop`, `format_errors`.
    public var reasons: [String]
    /// Conversations run for this task and trial (1 without re-runs).
    public var attempts: Int

    /// Creates a record.
    public init(outcome: String, reasons: [String], attempts: Int) {
        self.outcome = outcome
        self.reasons = reasons
        self.attempts = attempts
    }
}

extension ResultStore {
    // MARK: - Personas

    /// Records the persona a conversation's simulated user plays (replacing an earlier record of
    /// the same run, task and trial). Written before the conversation is committed, so a stored
    /// conversation always has its persona.
    /// - Throws: ``CollabBenchError`` (`.storeError`).
    public func recordPersona(_ persona: Persona, runID: String, taskID: String, trial: Int) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let traits = String(decoding: try encoder.encode(persona.traits), as: UTF8.self)
        let json = String(decoding: try encoder.encode(persona), as: UTF8.self)
        try await writeAsync { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO conversation_personas (run_id, task_id, trial, persona_id, traits_json, persona_json)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [runID, taskID, trial, persona.id, traits, json])
        }
    }

    /// The personas of `runID`'s conversations by `task#trial` (empty for a run without personas).
    /// - Throws: ``CollabBenchError`` (`.storeError`).
    public func conversationPersonas(runID: String) throws -> [String: Persona] {
        try read { db in
            guard try db.tableExists("conversation_personas") else { return [:] }
            var out: [String: Persona] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT task_id, trial, persona_json FROM conversation_personas WHERE run_id = ?", arguments: [runID])
            {
                let json: String = row["persona_json"]
                if let persona = try? JSONDecoder().decode(Persona.self, from: Data(json.utf8)) {
                    out["\(row["task_id"] as String)#\(row["trial"] as Int)"] = persona
                }
            }
            return out
        }
    }

    // MARK: - Simulator gate

    /// Records the gate's verdict on a conversation (replacing an earlier one).
    /// - Throws: ``CollabBenchError`` (`.storeError`).
    public func recordGate(_ record: GateRecord, runID: String, taskID: String, trial: Int) async throws {
        try await writeAsync { db in
            try db.execute(
                sql:
                    "INSERT OR REPLACE INTO conversation_gate (run_id, task_id, trial, outcome, reasons, attempts) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [runID, taskID, trial, record.outcome, record.reasons.joined(separator: ","), record.attempts])
        }
    }

    /// The gate's verdicts for `runID` by `task#trial` (empty when it found nothing).
    /// - Throws: ``CollabBenchError`` (`.storeError`).
    public func gateRecords(runID: String) throws -> [String: GateRecord] {
        try read { db in
            guard try db.tableExists("conversation_gate") else { return [:] }
            var out: [String: GateRecord] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT task_id, trial, outcome, reasons, attempts FROM conversation_gate WHERE run_id = ?", arguments: [runID])
            {
                let reasons: String = row["reasons"]
                out["\(row["task_id"] as String)#\(row["trial"] as Int)"] = GateRecord(
                    outcome: row["outcome"], reasons: reasons.split(separator: ",").map(String.init), attempts: row["attempts"])
            }
            return out
        }
    }
}

extension ConversationScores {
    /// `task#trial`, the key of ``ResultStore/conversationPersonas(runID:)`` and ``ResultStore/gateRecords(runID:)``.
    public var key: String { "\(taskID)#\(trial)" }
}

extension ResultStore {
    /// Who one conversation's simulated user was and what the gate decided about it: the persona's
    /// id and traits, and the gate's verdict (each nil when there is none), inside a read already
    /// open. Two indexed lookups through cached statements, so an export can ask conversation by
    /// conversation without holding a run's personas; the caller checks once that the store has
    /// the v11 tables.
    static func personaAndGate(runID: String, taskID: String, trial: Int, _ db: Database) throws -> (
        persona: (id: String, traits: [String: String])?, gate: GateRecord?
    ) {
        let arguments: StatementArguments = [runID, taskID, trial]
        let personaRow = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT persona_id, traits_json FROM conversation_personas WHERE run_id = ? AND task_id = ? AND trial = ?"),
            arguments: arguments)
        let persona = personaRow.map { row -> (id: String, traits: [String: String]) in
            (row["persona_id"], (try? JSONDecoder().decode([String: String].self, from: Data((row["traits_json"] as String).utf8))) ?? [:])
        }
        let gate = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT outcome, reasons, attempts FROM conversation_gate WHERE run_id = ? AND task_id = ? AND trial = ?"),
            arguments: arguments
        ).map { row in
            GateRecord(outcome: row["outcome"], reasons: (row["reasons"] as String).split(separator: ",").map(String.init), attempts: row["attempts"])
        }
        return (persona, gate)
    }
}
