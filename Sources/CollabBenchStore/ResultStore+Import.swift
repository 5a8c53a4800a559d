import CollabBenchCore
import GRDB

/// A run to record whole: the run, the texts it used, and every conversation.
public struct CompleteRun: Sendable, Hashable {
    /// The run (its status as it should be stored, e.g. completed).
    public var run: RunRecord
    /// Named texts recorded with the run (prompt templates, or per-task texts such as a human
    /// conversation's hidden intent).
    public var prompts: [PromptTemplate]
    /// Its conversations.
    public var conversations: [ConversationResult]

    /// Creates a complete run.
    public init(run: RunRecord, prompts: [PromptTemplate], conversations: [ConversationResult]) {
        self.run = run
        self.prompts = prompts
        self.conversations = conversations
    }
}

extension ResultStore {
    /// Records `runs`, each with its prompts and conversations, in one transaction: all of them
    /// or, when anything fails, none.
    /// - Parameter skippingExistingNames: When true, a run whose name the store already has is not
    ///   written (and is returned among the skipped names) instead of being added a second time.
    /// - Returns: The names of the runs skipped because the store already had them.
    /// - Throws: ``CollabBenchError`` (`.storeError`) naming the store and the cause.
    @discardableResult
    public func recordCompleteRuns(_ runs: [CompleteRun], skippingExistingNames: Bool) throws -> [String] {
        try write { db in
            var skipped: [String] = []
            for complete in runs {
                if skippingExistingNames,
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE name = ?", arguments: [complete.run.name]) ?? 0 > 0
                {
                    skipped.append(complete.run.name)
                    continue
                }
                try Self.insertRun(complete.run, prompts: complete.prompts, into: db)
                for conversation in complete.conversations { _ = try Self.insert(conversation, into: db) }
            }
            return skipped
        }
    }

    /// Records `texts` with run `runID` after it was created (a name it already has is replaced).
    public func addRunPrompts(runID: String, _ texts: [PromptTemplate]) throws {
        try write { db in
            for text in texts {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO prompts (hash, name, text) VALUES (?, ?, ?)", arguments: [text.hash, text.name, text.text])
                try db.execute(
                    sql: "INSERT OR REPLACE INTO run_prompts (run_id, name, hash) VALUES (?, ?, ?)",
                    arguments: [runID, text.name, text.hash])
            }
        }
    }

    /// The texts run `runID` recorded, by name (see ``createRun(_:prompts:)``).
    public func runPrompts(runID: String) throws -> [String: String] {
        try read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT rp.name, p.text FROM run_prompts rp JOIN prompts p ON p.hash = rp.hash WHERE rp.run_id = ?",
                arguments: [runID])
            return Dictionary(rows.map { ($0["name"] as String, $0["text"] as String) }, uniquingKeysWith: { a, _ in a })
        }
    }
}
