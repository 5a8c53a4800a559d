import CollabBenchCore
import CollabBenchModels

/// Everything one run needs to know, typed, with every default in one place.
///
/// A plan is what a front end (the command line, a server, a benchmark, a test) fills in; the
/// ``RunAssembler`` turns it into a ready run: model clients with rate budget, cache and meter,
/// the simulated user, the judges, the extractor, the sandbox and the store. Its fields are the
/// names errors use for a wrong setting (``CollabBenchError/setting``).
///
/// ```swift
/// var plan = RunPlan(pack: "math", agent: .model("openai/gpt-4o-mini"))
/// plan.concurrency = 8
/// try plan.validate()
/// ```
public struct RunPlan: Sendable, Hashable {
    /// The protocol preset.
    public enum ProtocolPreset: String, Sendable, Hashable, CaseIterable, Codable {
        /// CollabBench's own measurements (deterministic extraction, symbolic math accuracy).
        case standard = "default"
        /// Every setting of the CollabLLM paper: LLM extraction with its quirk, judged accuracy.
        case collabllm
    }

    /// The agent's system-prompt preset.
    public enum AgentPreset: String, Sendable, Hashable, CaseIterable, Codable {
        /// No system prompt.
        case base
        /// The system prompt asking for clarifying questions and suggestions.
        case proactive
    }

    /// Where the agent under test comes from.
    public enum AgentSource: Sendable, Hashable {
        /// A model spec (`provider/model[@base_url]`) or the base URL of a service speaking OpenAI
        /// Chat Completions.
        case model(String)
        /// A program speaking the JSON-lines agent protocol, run by `/bin/sh -c`.
        case command(String)
    }

    /// The agent program's process scope (for ``AgentSource/command(_:)``).
    public typealias AgentScope = SubprocessAgent.Configuration.ProcessScope

    /// A built-in pack name (`math`, `code`, `docs`) or a pack folder.
    public var pack: String
    /// The agent under test.
    public var agent: AgentSource
    /// A name for an agent given as a bare URL or as a command.
    public var agentName: String?
    /// A file holding the agent's system prompt (instead of ``agentPreset``).
    public var agentSystemPromptFile: String?
    /// For a command agent: a fresh process per conversation, or one for the run.
    public var agentScope: AgentScope = .perConversation
    /// For a command agent: seconds one turn may take.
    public var agentTimeoutSeconds: Double = 600
    /// For a command agent: environment variables passed although they hold keys.
    public var agentEnvironmentPass: [String] = []
    /// The simulated user's model spec (nil: the agent's).
    public var user: String?
    /// Judge model specs, the first primary (empty: the simulated user's).
    public var judges: [String] = []
    /// The protocol preset.
    public var protocolPreset: ProtocolPreset = .standard
    /// How the final artefact is taken (nil: the protocol's choice).
    public var extractor: ExtractorChoice?
    /// Grade math with the accuracy judge too (always on under ``ProtocolPreset/collabllm``).
    public var judgedAccuracy = false
    /// The interactivity rubric.
    public var itrScale: ITRScale = .threeLevel
    /// Judgements per conversation and judge.
    public var judgeRepeats = 1
    /// The results database (SQLite).
    public var store = "Results/collabbench.sqlite"
    /// A name for the run (nil: its id).
    public var name: String?
    /// Only the first N tasks of the pack.
    public var limit: Int?
    /// Run seed; every conversation and model call derives its seed from it.
    public var seed = 42
    /// Conversations in flight at most.
    public var concurrency = 4
    /// Calls in flight at most to the agent's model (nil: ``concurrency``).
    public var agentConcurrency: Int?
    /// Calls in flight at most to the simulated user's model (nil: ``concurrency``).
    public var userConcurrency: Int?
    /// Calls in flight at most to each judge model, extractor included (nil: ``concurrency``).
    public var judgeConcurrency: Int?
    /// The agent's system-prompt preset.
    public var agentPreset: AgentPreset = .base
    /// Maximum user/assistant exchanges (nil: the pack's).
    public var maxExchanges: Int?
    /// Agent temperature (nil: the paper's for the pack's kind).
    public var agentTemperature: Double?
    /// Agent top_p.
    public var agentTopP = 0.9
    /// Maximum tokens per agent reply.
    public var agentMaxTokens = 1024
    /// Maximum tokens per simulated-user reply.
    public var userMaxTokens = 512
    /// Maximum tokens per judge reply.
    public var judgeMaxTokens = 400
    /// Judge calls at most per conversation when a reply cannot be read.
    public var judgeAttempts = 3
    /// Ask the simulated user and the judges for JSON through `response_format`.
    public var structuredOutput = true
    /// A folder of prompt templates overriding the bundled ones, file by file.
    public var promptsDirectory: String?
    /// A folder holding `<encoding>.tiktoken` rank files.
    public var tokenizerDirectory: String?
    /// Seconds one model call may take before it is retried.
    public var requestTimeoutSeconds: Double = 600
    /// Conversations per task (for pass@k and pass^k).
    public var trials = 1
    /// Run only this shard of the tasks.
    public var shard: Shard?
    /// The response cache's mode.
    public var cache: CacheMode = .readWrite
    /// Start a new run even when a stored run has this configuration.
    public var forceNew = false
    /// Run the failed conversations of a stored run with this configuration again, replacing
    /// each with its new attempt (the failed attempts are recorded in the store's
    /// `retried_conversations`). Not part of the run's identity.
    public var retryFailed = false
    /// Stream replies from OpenAI-compatible servers (SSE).
    public var stream = false
    /// Mark the stable prompt prefix of Anthropic requests with `cache_control` breakpoints
    /// (OpenAI caches prompts by itself). Not part of the run's identity: it changes what calls
    /// cost, not what they return.
    public var promptCache = false
    /// Requests per minute per model endpoint.
    public var requestsPerMinute: Int?
    /// Tokens per minute per model endpoint.
    public var tokensPerMinute: Int?
    /// A pricing file on top of the built-in prices.
    public var pricingFile: String?
    /// Stop starting conversations once this many US dollars are spent.
    public var budgetUSD: Double?
    /// Which calls go through the providers' batch APIs (half price, answered later). Not part
    /// of the run's identity: scores are those of direct calls.
    public var batch: BatchMode = .off
    /// The simulated users' personas: `simulatorarena-writers`, `simulatorarena-students` (each
    /// optionally `:<folder>`) or a persona file (nil: none). Part of the run's identity.
    public var personas: String?
    /// A YAML file of synthetic traits sampled per conversation (needs ``personas``).
    public var personaTraitsFile: String?
    /// What happens to a conversation whose simulated user broke the protocol.
    public var simulatorGate: SimulatorGateMode = .flag
    /// Under ``SimulatorGateMode/rerun``, new simulator seeds tried at most per conversation.
    public var simulatorReruns = 2

    /// A plan with every default.
    /// - Parameters:
    ///   - pack: A built-in pack name or a pack folder.
    ///   - agent: The agent under test.
    public init(pack: String, agent: AgentSource) {
        self.pack = pack
        self.agent = agent
    }

    /// Every default, for front ends that show them (the pack and agent are placeholders).
    public static let defaults = RunPlan(pack: "", agent: .model(""))

    /// Whether the paper's protocol is on.
    public var isPaperProtocol: Bool { protocolPreset == .collabllm }

    /// The extractor in effect: the one chosen, else the protocol's.
    public var effectiveExtractor: ExtractorChoice { extractor ?? (isPaperProtocol ? .llmPaper : .deterministic) }

    /// Whether math is graded by the accuracy judge (asked for, or the paper's protocol).
    public var judgesMathAccuracy: Bool { judgedAccuracy || isPaperProtocol }

    /// The LLM extractor's max_tokens: room to copy the agent's longest artefact.
    public var extractorMaxTokens: Int { max(agentMaxTokens * 2, 1024) }
}
