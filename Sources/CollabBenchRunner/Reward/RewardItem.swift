import CollabBenchCore
import Foundation

/// One message of the conversation so far, as a reward item carries it (`{"role", "content"}`).
public struct RewardMessage: Sendable, Codable, Hashable {
    /// `user` or `assistant`.
    public var role: ChatRole
    /// The message text.
    public var content: String

    /// Creates a message.
    public init(role: ChatRole, content: String) {
        self.role = role
        self.content = content
    }
}

/// One line of `reward --in`: a task, the conversation so far, and the candidate responses to
/// reward.
///
/// ```json
/// {"id": "q1", "pack": "math", "task_id": "cb-math-001",
///  "history": [{"role": "user", "content": "..."}], "candidates": ["...", "..."]}
/// ```
/// Instead of `task_id`, `task` may hold the task inline, in the pack's task format (with its
/// hidden intent and reference); `pack` still names the pack whose metric scores it (it may be
/// left out when the plan has a default pack).
public struct RewardItem: Sendable, Codable, Hashable {
    /// The caller's id for the item, echoed in the result.
    public var id: String
    /// The pack (built-in name or folder); nil: the plan's default pack.
    public var pack: String?
    /// The task's id in the pack (or nil with ``task``).
    public var taskID: String?
    /// The task inline (instead of ``taskID``).
    public var task: BenchmarkTask?
    /// The conversation before the candidate response (the simulated user usually spoke last).
    public var history: [RewardMessage]
    /// The candidate responses (assistant messages) to reward, in order.
    public var candidates: [String]

    /// Creates an item.
    public init(id: String, pack: String? = nil, taskID: String? = nil, task: BenchmarkTask? = nil, history: [RewardMessage], candidates: [String]) {
        self.id = id
        self.pack = pack
        self.taskID = taskID
        self.task = task
        self.history = history
        self.candidates = candidates
    }

    enum CodingKeys: String, CodingKey {
        case id, pack, taskID = "task_id", task, history, candidates
    }
}

/// How one sampled continuation scored: the components of R*(t) and how the continuation ended.
///
/// A component that could not be had is `null` and named in ``missing``, never 0: an unreadable
/// judge reply leaves ``itr`` null (``itrStatus`` `unscored`); a failing model call marks the whole
/// sample ``failed`` (its ``failure`` says which call) and it is left out of the reward's mean.
public struct RewardSample: Sendable, Codable, Hashable {
    /// The seed the continuation was run with (derived from the run seed, item, candidate and sample).
    public var seed: Int
    /// The task metric's name (`accuracy`, `pass_rate` or `bleu`).
    public var metricName: String
    /// R_ext: the task metric of the final artefact of h ∪ m ∪ t, on the 0–1 scale (nil: not scored).
    public var metric: Double?
    /// cl100k (the pack's encoding) tokens of the assistant messages of the forward part m ∪ t,
    /// joined with spaces (nil: not counted).
    public var tokens: Int?
    /// The interactivity score of the forward part on the plan's ITR scale (nil: unscored or failed).
    public var itr: Double?
    /// `scored`, `unscored` (no readable judge reply) or `failed` (the judge call failed).
    public var itrStatus: String?
    /// How the continuation ended: `user_terminated`, `agent_terminated`, `max_exchanges` (the
    /// window) or `failed`.
    public var endedBy: String
    /// Exchanges run after the candidate (0 to the window).
    public var exchanges: Int
    /// The sample's reward R*(t) from the components that exist (nil for a failed sample or when
    /// no component exists).
    public var reward: Double?
    /// Components left out of ``reward`` because they could not be had (`metric`, `tokens`, `itr`).
    public var missing: [String]
    /// Whether a model call failed (the sample is left out of the mean).
    public var failed: Bool
    /// What failed, for a failed sample or a component that could not be had.
    public var failure: String?

    /// Creates a sample.
    public init(
        seed: Int, metricName: String, metric: Double?, tokens: Int?, itr: Double?, itrStatus: String?, endedBy: String, exchanges: Int,
        reward: Double?, missing: [String], failed: Bool, failure: String?
    ) {
        self.seed = seed
        self.metricName = metricName
        self.metric = metric
        self.tokens = tokens
        self.itr = itr
        self.itrStatus = itrStatus
        self.endedBy = endedBy
        self.exchanges = exchanges
        self.reward = reward
        self.missing = missing
        self.failed = failed
        self.failure = failure
    }

    enum CodingKeys: String, CodingKey {
        case seed, metricName = "metric_name", metric, tokens, itr, itrStatus = "itr_status", endedBy = "ended_by", exchanges, reward,
            missing, failed, failure
    }

    // MARK: - Encodable (nulls written, so every sample has every key)

    /// Encodes every key, `null` for absent values.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seed, forKey: .seed)
        try c.encode(metricName, forKey: .metricName)
        try c.encode(metric, forKey: .metric)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(itr, forKey: .itr)
        try c.encode(itrStatus, forKey: .itrStatus)
        try c.encode(endedBy, forKey: .endedBy)
        try c.encode(exchanges, forKey: .exchanges)
        try c.encode(reward, forKey: .reward)
        try c.encode(missing, forKey: .missing)
        try c.encode(failed, forKey: .failed)
        try c.encode(failure, forKey: .failure)
    }
}

/// The multiturn-aware reward of one candidate: the mean and standard deviation of its samples'
/// rewards, and every sample.
///
/// ``mr`` is the mean over the samples that did not fail and have a reward (``used`` of them);
/// each of those sums the components it has (see ``RewardSample/missing``). nil when no sample
/// is usable.
public struct CandidateReward: Sendable, Codable, Hashable {
    /// MR: the mean of the usable samples' rewards (nil: none usable).
    public var mr: Double?
    /// The population standard deviation of those rewards (nil: none usable).
    public var std: Double?
    /// Samples the mean is over.
    public var used: Int
    /// Every sample, in order.
    public var samples: [RewardSample]

    /// Creates a candidate's reward.
    public init(mr: Double?, std: Double?, used: Int, samples: [RewardSample]) {
        self.mr = mr
        self.std = std
        self.used = used
        self.samples = samples
    }

    /// The reward of `samples`: mean and population standard deviation over the usable ones.
    public init(samples: [RewardSample]) {
        let values = samples.filter { !$0.failed }.compactMap(\.reward)
        let mean = values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        let std = mean.map { m in (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)).squareRoot() }
        self.init(mr: mean, std: std, used: values.count, samples: samples)
    }

    // MARK: - Encodable (nulls written)

    /// Encodes every key, `null` for absent values.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mr, forKey: .mr)
        try c.encode(std, forKey: .std)
        try c.encode(used, forKey: .used)
        try c.encode(samples, forKey: .samples)
    }

    enum CodingKeys: String, CodingKey { case mr, std, used, samples }
}

/// One line of `reward --out`: the item's id and one reward per candidate, in the candidates' order.
public struct RewardResult: Sendable, Codable, Hashable {
    /// The item's id.
    public var id: String
    /// One reward per candidate.
    public var rewards: [CandidateReward]

    /// Creates a result.
    public init(id: String, rewards: [CandidateReward]) {
        self.id = id
        self.rewards = rewards
    }

    /// The result as one line of JSON with sorted keys (what `reward --out` writes).
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
