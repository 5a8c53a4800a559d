@testable import CollabBenchStore
import CollabBenchCore
import Foundation
import GRDB
import Testing

/// Conversations stored before costs were recorded keep an unknown cost after the upgrade.
@Suite(.timeLimit(.minutes(5)))
struct CostMigrationTests {
    @Test func conversationsFromBeforeV5CountEveryCallAsUnpriced() throws {
        let path = ResultStoreTests.tempPath()
        // A store as schema v4 left it, with one conversation of two messages and one judge call.
        let pool = try DatabasePool(path: path)
        try StoreSchema.migrator.migrate(pool, upTo: "v4-streaming")
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO runs (id, name, created_at, status, pack_name, pack_version, pack_kind, pack_hash, agent, agent_preset,
                    user_simulator, judge, seed, task_count, config_json, collabbench_version)
                VALUES ('r', 'r', '2026-01-01', 'completed', 'math', '1', 'math', 'h', 'a', 'base', 'u', 'j', 1, 1, '{}', '0');
                INSERT INTO conversations (id, run_id, task_id, trial, seed, status, end_reason, exchanges, started_at, finished_at)
                VALUES (1, 'r', 't', 0, 1, 'completed', 'max_exchanges', 1, 's', 'f');
                INSERT INTO messages (conversation_id, idx, role, text, model, raw_reply, format_error, latency_ms, attempts, request_hash)
                VALUES (1, 0, 'user', 'hi', 'm', 'hi', 0, 1, 1, 'x'), (1, 1, 'assistant', 'yo', 'm', 'yo', 0, 1, 1, 'y');
                INSERT INTO judge_calls (conversation_id, criterion, attempt, model, prompt_hash, raw_reply, readable, latency_ms, request_hash)
                VALUES (1, 'interactivity', 0, 'j', 'p', '{}', 1, 1, 'z');
                """)
        }
        try pool.close()
        let store = try ResultStore(path: path)
        #expect(try store.schemaVersion() == StoreSchema.version)
        let cost = try store.runCost(runID: "r")
        #expect(cost.usd == nil)
        #expect(cost.unpricedCalls == 3)
        #expect(try store.callCosts(conversationID: 1) == [nil, nil, nil])
    }
}
