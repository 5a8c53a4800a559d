import CollabBenchCore
import Foundation
import GRDB

/// What one run's stored conversations cost.
public struct RunCost: Sendable, Hashable {
    /// Sum of the known costs, in US dollars (nil when no call had a known cost).
    public var usd: Double?
    /// Calls whose cost is unknown (no price, or no usage reported).
    public var unpricedCalls: Int
    /// Conversations stored.
    public var conversations: Int
    /// Mean known cost per conversation, in US dollars.
    public var usdPerConversation: Double? { usd.map { conversations > 0 ? $0 / Double(conversations) : 0 } }
}

extension ResultStore {
    /// The stored cost of run `runID`, summed over its conversations.
    public func runCost(runID: String) throws -> RunCost {
        try read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT SUM(cost_usd) AS usd, COALESCE(SUM(unpriced_calls), 0) AS unpriced, COUNT(*) AS n FROM conversations WHERE run_id = ?",
                arguments: [runID])
            return RunCost(usd: row?["usd"], unpricedCalls: row?["unpriced"] ?? 0, conversations: row?["n"] ?? 0)
        }
    }

    /// Each stored conversation's cost in US dollars (nil when unknown), by `task_id#trial`.
    public func conversationCosts(runID: String) throws -> [String: Double?] {
        try read { db in
            var costs: [String: Double?] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT task_id, trial, cost_usd FROM conversations WHERE run_id = ?", arguments: [runID]) {
                costs["\(row["task_id"] as String)#\(row["trial"] as Int)"] = row["cost_usd"] as Double?
            }
            return costs
        }
    }

    /// Known costs of every call of one conversation (messages, then judge calls), nil when unknown.
    public func callCosts(conversationID: Int64) throws -> [Double?] {
        try read { db in
            let messages = try Double?.fetchAll(db, sql: "SELECT cost_usd FROM messages WHERE conversation_id = ? ORDER BY idx", arguments: [conversationID])
            let judges = try Double?.fetchAll(
                db, sql: "SELECT cost_usd FROM judge_calls WHERE conversation_id = ? ORDER BY criterion, attempt", arguments: [conversationID])
            return messages + judges
        }
    }
}
