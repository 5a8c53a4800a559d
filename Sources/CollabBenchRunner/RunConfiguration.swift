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
    /// The protocol preset (`default` or `collabllm`).
    public var protocolName: String
    /// How the final document or program is taken from the conversation.
    public var extractor: ExtractorChoice
    /// Grade math by an accuracy judge too (the paper's metric; the symbolic check stays beside it).
    public var judgedAccuracy: Bool
    /// The interactivity rubric's scale (stored as `"three-level"` or `"unit"`).
    public var itrScale: ITRScale
    /// Judgements per conversation and judge (for the judges' agreement).
    public var judgeRepeats: Int
    /// Further judges beside ``judge``; every judge rates every conversation.
    public var additionalJudges: [ModelSpec]
    /// Run seed; each conversation and call derives its own.
    public var seed: Int
    /// Only the first N tasks of the pack.
    public var limit: Int?
    /// Conversations in flight at most (does not affect results; not part of the identity).
    public var concurrency: Int
    /// Conversations per task.
    public var trials: Int
    /// The slice of the tasks this process runs, if sharded (not part of the identity: all
    /// shards of a run share its id, so their stores merge into one run).
    public var shard: Shard?
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
    /// The population the simulated users are drawn from (`run --personas`); nil (and absent
    /// from the JSON, so older configurations keep their hash) when the run has none.
    public var personas: PersonaSource? = nil
    /// Under `--simulator-gate rerun`, the re-runs allowed per conversation; nil (absent from the
    /// JSON) otherwise: flagging changes no score, re-running and excluding do.
    public var simulatorReruns: Int? = nil

    /// Creates a configuration.
    public init(
        name: String?, agent: ModelSpec, agentPreset: String, userSimulator: ModelSpec, judge: ModelSpec,
        conversation: ConversationSettings, judgeSampling: Sampling, judgeMaxAttempts: Int, judgeStructuredOutput: Bool,
        protocolName: String = "default", extractor: ExtractorChoice = .deterministic, judgedAccuracy: Bool = false,
        itrScale: ITRScale = .threeLevel, judgeRepeats: Int = 1, additionalJudges: [ModelSpec] = [],
        seed: Int, limit: Int?, concurrency: Int, trials: Int = 1, shard: Shard? = nil, metric: MetricSettings, promptHashes: [String: String],
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
        self.protocolName = protocolName
        self.extractor = extractor
        self.judgedAccuracy = judgedAccuracy
        self.itrScale = itrScale
        self.judgeRepeats = max(1, judgeRepeats)
        self.additionalJudges = additionalJudges
        self.seed = seed
        self.limit = limit
        self.concurrency = concurrency
        self.trials = max(1, trials)
        self.shard = shard
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

    /// The settings that identify a run: everything but concurrency and the shard.
    public func identityJSON() throws -> String {
        var copy = self
        copy.concurrency = 0
        copy.shard = nil
        return try copy.json()
    }

    /// SHA-256 of ``identityJSON()``: equal hashes mean a run can be resumed with this configuration.
    public func identityHash() throws -> String {
        StableHash.sha256(try identityJSON())
    }
}

/// How the final artefact (document or program) is taken from a conversation.
public enum ExtractorChoice: String, Sendable, Codable, Hashable, CaseIterable {
    /// Last fenced code block / last full document (no model call).
    case deterministic
    /// The judge model merges the revisions, copying code verbatim.
    case llm
    /// The paper's LLM extraction, quirk included (double quotes become single quotes).
    case llmPaper = "llm-paper"
}

/// A deterministic slice of a pack: task number `k` (0-based, in pack order) belongs to shard
/// `k mod count`.
public struct Shard: Sendable, Codable, Hashable, CustomStringConvertible {
    /// This shard, 0-based.
    public var index: Int
    /// Number of shards.
    public var count: Int

    /// Creates a shard.
    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `i/n` (0 ≤ i < n).
    /// - Throws: ``CollabBenchError`` (`.invalidArgument`, setting `shard`) otherwise.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else {
            throw CollabBenchError(.invalidArgument, "must be i/n with 0 <= i < n, e.g. 0/4", setting: "shard", value: text)
        }
        self.init(index: i, count: n)
    }

    /// Whether the task at `position` belongs to this shard.
    public func contains(position: Int) -> Bool { position % count == index }

    public var description: String { "\(index)/\(count)" }
}

/// The differences between two configurations, as `path: old → new` lines.
public enum ConfigurationDiff {
    /// Names every setting that differs between two JSON configurations.
    public static func differences(old: String, new: String) -> [String] {
        let a = flatten((try? JSONValue.parse(old)) ?? .null)
        let b = flatten((try? JSONValue.parse(new)) ?? .null)
        return Set(a.keys).union(b.keys).sorted().compactMap { key in
            let x = a[key] ?? "(none)"
            let y = b[key] ?? "(none)"
            return x == y ? nil : "\(key): \(x) → \(y)"
        }
    }

    /// Every leaf of a configuration by dotted path, as shown: a long string by its start and
    /// hash, anything else as canonical JSON.
    private static func flatten(_ value: JSONValue) -> [String: String] {
        value.flattened().mapValues { leaf in
            guard case .string(let s) = leaf else { return leaf.canonicalText }
            return s.count > 60 ? String(s.prefix(12)) + "…(sha256 \(StableHash.sha256(s).prefix(8)))" : s
        }
    }
}
