import CollabBenchCore
import Foundation
import GRDB

/// One multiturn-aware reward call as recorded in the store (schema v9).
public struct RewardCallRecord: Sendable, Hashable {
    /// One sampled continuation.
    public struct Sample: Sendable, Hashable {
        public var candidate: Int
        public var sample: Int
        public var seed: Int
        public var metricName: String
        public var metric: Double?
        public var tokens: Int?
        public var itr: Double?
        public var itrStatus: String?
        public var endedBy: String
        public var exchanges: Int
        public var reward: Double?
        public var failed: Bool
        public var failure: String?
        /// The whole conversation (history, candidate, continuation) as JSON.
        public var transcriptJSON: String

        /// Creates a sample record.
        public init(
            candidate: Int, sample: Int, seed: Int, metricName: String, metric: Double?, tokens: Int?, itr: Double?, itrStatus: String?,
            endedBy: String, exchanges: Int, reward: Double?, failed: Bool, failure: String?, transcriptJSON: String
        ) {
            self.candidate = candidate
            self.sample = sample
            self.seed = seed
            self.metricName = metricName
            self.metric = metric
            self.tokens = tokens
            self.itr = itr
            self.itrStatus = itrStatus
            self.endedBy = endedBy
            self.exchanges = exchanges
            self.reward = reward
            self.failed = failed
            self.failure = failure
            self.transcriptJSON = transcriptJSON
        }
    }

    /// One candidate's text and reward.
    public struct Candidate: Sendable, Hashable {
        public var text: String
        public var mr: Double?
        public var std: Double?
        public var used: Int

        /// Creates a candidate record.
        public init(text: String, mr: Double?, std: Double?, used: Int) {
            self.text = text
            self.mr = mr
            self.std = std
            self.used = used
        }
    }

    /// One item as sent and its result line.
    public struct Item: Sendable, Hashable {
        public var itemID: String
        public var pack: String
        public var taskID: String
        public var itemJSON: String
        public var resultJSON: String
        public var candidates: [Candidate]
        public var samples: [Sample]

        /// Creates an item record.
        public init(itemID: String, pack: String, taskID: String, itemJSON: String, resultJSON: String, candidates: [Candidate], samples: [Sample]) {
            self.itemID = itemID
            self.pack = pack
            self.taskID = taskID
            self.itemJSON = itemJSON
            self.resultJSON = resultJSON
            self.candidates = candidates
            self.samples = samples
        }
    }

    /// The call's id.
    public var id: String
    /// ISO-8601 time of the call.
    public var createdAt: String
    /// The plan as JSON (model specs without credentials).
    public var planJSON: String
    /// The run seed every sample's seed derives from.
    public var seed: Int
    /// The items in input order.
    public var items: [Item]

    /// Creates a call record.
    public init(id: String, createdAt: String, planJSON: String, seed: Int, items: [Item]) {
        self.id = id
        self.createdAt = createdAt
        self.planJSON = planJSON
        self.seed = seed
        self.items = items
    }
}

extension ResultStore {
    /// Records a reward call, its items, candidates and samples, in one transaction.
    /// - Throws: ``CollabBenchError`` (`.storeError`) when the write fails.
    public func recordRewardCall(_ call: RewardCallRecord) async throws {
        try await writeAsync { db in
            try db.execute(
                sql: """
                    INSERT INTO reward_calls (id, created_at, plan_json, plan_hash, seed, item_count, collabbench_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [call.id, call.createdAt, call.planJSON, StableHash.sha256(call.planJSON), call.seed, call.items.count, CollabBenchVersion.current])
            for (position, item) in call.items.enumerated() {
                try db.execute(
                    sql: "INSERT INTO reward_items (call_id, position, item_id, pack, task_id, item_json, result_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [call.id, position, item.itemID, item.pack, item.taskID, item.itemJSON, item.resultJSON])
                for (index, candidate) in item.candidates.enumerated() {
                    try db.execute(
                        sql: "INSERT INTO reward_candidates (call_id, position, candidate, text, mr, std, used) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        arguments: [call.id, position, index, candidate.text, candidate.mr, candidate.std, candidate.used])
                }
                for s in item.samples {
                    try db.execute(
                        sql: """
                            INSERT INTO reward_samples (call_id, position, candidate, sample, seed, metric_name, metric, tokens, itr, itr_status,
                                ended_by, exchanges, reward, failed, failure, transcript_json)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            call.id, position, s.candidate, s.sample, s.seed, s.metricName, s.metric, s.tokens, s.itr, s.itrStatus, s.endedBy,
                            s.exchanges, s.reward, s.failed, s.failure, s.transcriptJSON,
                        ])
                }
            }
        }
    }

    /// The ids of the recorded reward calls, oldest first.
    public func rewardCallIDs() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT id FROM reward_calls ORDER BY created_at, id") }
    }

    /// The result lines recorded for reward call `id`, in input order.
    public func rewardResultLines(callID id: String) throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT result_json FROM reward_items WHERE call_id = ? ORDER BY position", arguments: [id])
        }
    }

    /// The recorded transcripts (JSON) of one candidate's samples, in sample order.
    public func rewardTranscripts(callID id: String, position: Int, candidate: Int) throws -> [String] {
        try read { db in
            try String.fetchAll(
                db, sql: "SELECT transcript_json FROM reward_samples WHERE call_id = ? AND position = ? AND candidate = ? ORDER BY sample",
                arguments: [id, position, candidate])
        }
    }
}
