import CollabBenchCore
import Foundation

/// A run as stored: what was evaluated, with what, and its full pinned configuration.
public struct RunRecord: Sendable, Codable, Hashable {
    /// Unique id, e.g. `run-20261122-201500-3f2a`.
    public var id: String
    /// The user's name for the run (`--name`), or the id.
    public var name: String
    /// ISO-8601 creation time.
    public var createdAt: String
    /// ISO-8601 end time, when finished.
    public var finishedAt: String?
    /// Where the run stands (`runs.status`).
    public var status: RunStatus
    /// Pack name, version, kind and content hash.
    public var packName: String
    public var packVersion: String
    public var packKind: TaskKind
    public var packHash: String
    /// The agent's spec and preset.
    public var agent: String
    public var agentPreset: String
    /// The simulated user's and the judge's specs.
    public var userSimulator: String
    public var judge: String
    /// The run seed.
    public var seed: Int
    /// Conversations the run plans (tasks × trials).
    public var taskCount: Int
    /// Every setting, as JSON (no secrets).
    public var configJSON: String
    /// The CollabBench version that ran it.
    public var collabbenchVersion: String
    /// SHA-256 of the settings that determine results (what a resumed run must match).
    public var configHash: String

    /// Creates a record.
    public init(
        id: String, name: String, createdAt: String, finishedAt: String? = nil, status: RunStatus, packName: String,
        packVersion: String, packKind: TaskKind, packHash: String, agent: String, agentPreset: String,
        userSimulator: String, judge: String, seed: Int, taskCount: Int, configJSON: String, collabbenchVersion: String,
        configHash: String = ""
    ) {
        self.configHash = configHash
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.status = status
        self.packName = packName
        self.packVersion = packVersion
        self.packKind = packKind
        self.packHash = packHash
        self.agent = agent
        self.agentPreset = agentPreset
        self.userSimulator = userSimulator
        self.judge = judge
        self.seed = seed
        self.taskCount = taskCount
        self.configJSON = configJSON
        self.collabbenchVersion = collabbenchVersion
    }
}

/// A finished conversation with its scores, saved in one transaction.
public struct ConversationResult: Sendable, Hashable {
    public var runID: String
    public var taskID: String
    public var trial: Int
    public var seed: Int
    public var transcript: Transcript
    /// cl100k tokens of each turn, aligned with `transcript.turns` (nil when not counted).
    public var turnTokens: [Int?]
    public var scores: [ScoreEntry]
    public var verdicts: [JudgeVerdict]
    public var startedAt: String
    public var finishedAt: String

    /// Creates a result.
    public init(
        runID: String, taskID: String, trial: Int, seed: Int, transcript: Transcript, turnTokens: [Int?],
        scores: [ScoreEntry], verdicts: [JudgeVerdict], startedAt: String, finishedAt: String
    ) {
        self.runID = runID
        self.taskID = taskID
        self.trial = trial
        self.seed = seed
        self.transcript = transcript
        self.turnTokens = turnTokens
        self.scores = scores
        self.verdicts = verdicts
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    /// Every call made for this conversation: its messages, then every judge and extractor call.
    public var calls: [CallRecord] { transcript.turns.map(\.call) + verdicts.flatMap(\.calls) }

    /// The conversation's cost: the sum of the calls' known costs in US dollars (nil when none is
    /// known), and how many calls have an unknown cost.
    public var cost: (usd: Double?, unpricedCalls: Int) {
        let all = calls
        let known = all.compactMap(\.costUSD)
        return (known.isEmpty ? nil : known.reduce(0, +), all.count - known.count)
    }
}

/// One conversation's scores, as read back for reports.
public struct ConversationScores: Sendable, Hashable {
    public var conversationID: Int64
    public var runID: String
    public var taskID: String
    public var trial: Int
    /// How it ended (`conversations.status`).
    public var status: ConversationStatus
    public var endReason: String
    /// Metric → entry.
    public var scores: [String: ScoreEntry]
}

// MARK: - Stored status text

extension RunStatus {
    /// The status stored as `text`; text no version of CollabBench writes reads as ``partial``
    /// (not finished, so a run command continues it).
    init(storedText text: String) {
        self = RunStatus(rawValue: text) ?? .partial
    }
}

extension ConversationStatus {
    /// The status stored as `text`; text no version of CollabBench writes reads as ``failed``
    /// (not scored, as reports have always treated anything but `completed`).
    init(storedText text: String) {
        self = ConversationStatus(rawValue: text) ?? .failed
    }
}
