import CollabBenchCore
import Foundation

/// Everything that determines a run's results, pinned and stored with the run (no secrets).
public struct RunConfiguration: Sendable, Codable, Hashable {
    /// The user's name for the run.
    public var name: String?
    /// The agent under test.
    public var agent: ModelSpec
    /// `base` (no system prompt) or `proactive`.
    public var agentPreset: String
    /// The simulated user.
    public var userSimulator: ModelSpec
    /// The judge.
    public var judge: ModelSpec
    /// Conversation protocol.
    public var conversation: ConversationSettings
    /// Judge sampling.
    public var judgeSampling: Sampling
    /// Judge calls at most per conversation when replies cannot be read.
    public var judgeMaxAttempts: Int
    /// Ask the judge for JSON through `response_format`.
    public var judgeStructuredOutput: Bool
    /// Run seed; each conversation and call derives its own.
    public var seed: Int
    /// Only the first N tasks of the pack.
    public var limit: Int?
    /// Conversations in flight at most.
    public var concurrency: Int
    /// The pack's scoring settings.
    public var metric: MetricSettings
    /// Prompt template name → SHA-256.
    public var promptHashes: [String: String]
    /// Pack identity.
    public var packName: String
    public var packVersion: String
    public var packHash: String
    /// CollabBench version.
    public var collabbenchVersion: String

    /// Creates a configuration.
    public init(
        name: String?, agent: ModelSpec, agentPreset: String, userSimulator: ModelSpec, judge: ModelSpec,
        conversation: ConversationSettings, judgeSampling: Sampling, judgeMaxAttempts: Int, judgeStructuredOutput: Bool,
        seed: Int, limit: Int?, concurrency: Int, metric: MetricSettings, promptHashes: [String: String],
        packName: String, packVersion: String, packHash: String, collabbenchVersion: String = CollabBenchVersion.current
    ) {
        self.name = name
        self.agent = agent
        self.agentPreset = agentPreset
        self.userSimulator = userSimulator
        self.judge = judge
        self.conversation = conversation
        self.judgeSampling = judgeSampling
        self.judgeMaxAttempts = judgeMaxAttempts
        self.judgeStructuredOutput = judgeStructuredOutput
        self.seed = seed
        self.limit = limit
        self.concurrency = concurrency
        self.metric = metric
        self.promptHashes = promptHashes
        self.packName = packName
        self.packVersion = packVersion
        self.packHash = packHash
        self.collabbenchVersion = collabbenchVersion
    }

    /// The configuration as stable JSON (sorted keys).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
