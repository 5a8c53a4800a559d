import CollabBenchCore
import Foundation

/// Everything a multiturn-aware reward computation needs, typed, with the paper's defaults.
///
/// The models, scoring options, cache and store mean what they mean for `run` (see ``RunPlan``):
/// the policy plays the agent, the user model the simulated user, the judge the interactivity
/// judge (and extractor and accuracy judge when those are on).
///
/// ```swift
/// var plan = RewardPlan(policy: "openai/gpt-4o-mini", user: "openai/gpt-4o-mini", judge: "openai/gpt-4o")
/// plan.samples = 3
/// let rewarder = try MultiturnRewarder(plan: plan)
/// let results = try await rewarder.rewards(for: items)
/// await rewarder.close()
/// ```
public struct RewardPlan: Sendable, Hashable, Codable {
    /// How a sample's components are combined.
    public enum Formula: String, Sendable, Hashable, Codable, CaseIterable {
        /// The paper's R* = metric − min(λ·tokens, 1) + ITR.
        case paper
        /// A weighted sum of named components (``RewardPlan/weights``).
        case weighted
    }

    /// The names ``RewardPlan/weights`` may use.
    public enum Component: String, Sendable, Hashable, Codable, CaseIterable {
        /// The task metric (also accepted as `accuracy`, `pass_rate`, `bleu`, `metric`).
        case task
        /// The ITR score.
        case interactivity
        /// Assistant tokens of the forward part, in thousands (the reference's `token_amount`).
        case tokenAmount = "token_amount"

        /// The component a weight name stands for (nil: unknown).
        public init?(weightName: String) {
            switch weightName {
            case "task", "metric", "accuracy", "pass_rate", "bleu": self = .task
            case "interactivity", "itr": self = .interactivity
            case "token_amount", "tokens", "tok_k": self = .tokenAmount
            default: return nil
            }
        }
    }

    /// The policy (agent) model spec that continues the conversation.
    public var policy: String
    /// The simulated user's model spec.
    public var user: String
    /// The judge's model spec.
    public var judge: String
    /// The pack of items that name none (nil: every item names its pack).
    public var defaultPack: String?
    /// w: exchanges at most after the candidate (paper: 2).
    public var window = 2
    /// S: continuations sampled per candidate (paper: 3).
    public var samples = 3
    /// λ of the token penalty (nil: the paper's, 1e-4 for documents, 5e-4 for code and math).
    public var lambda: Double?
    /// How components are combined.
    public var formula: Formula = .paper
    /// Under ``Formula/weighted``: weight per component name (e.g. `accuracy`=1, `interactivity`=0.5,
    /// `token_amount`=−0.5).
    public var weights: [String: Double] = [:]
    /// The protocol preset (as `run --protocol`).
    public var protocolPreset: RunPlan.ProtocolPreset = .standard
    /// The extractor (as `run --extractor`; nil: the protocol's).
    public var extractor: ExtractorChoice?
    /// Grade math with the accuracy judge (as `run --judged-accuracy`).
    public var judgedAccuracy = false
    /// The ITR scale (paper MR: the unit scale, 0–1).
    public var itrScale: ITRScale = .unit
    /// The seed every continuation's seed derives from.
    public var seed = 42
    /// Continuations in flight at most.
    public var concurrency = 4
    /// The response cache's mode.
    public var cache: CacheMode = .readWrite
    /// The store holding the response cache and the record of every reward call.
    public var store = "Results/collabbench.sqlite"
    /// Record each call (items, candidates, samples, plan, seeds) in the store.
    public var record = true
    /// A folder holding `<encoding>.tiktoken` rank files.
    public var tokenizerDirectory: String?
    /// A folder of prompt templates overriding the bundled ones.
    public var promptsDirectory: String?
    /// Seconds one model call may take before it is retried.
    public var requestTimeoutSeconds: Double = 600
    /// Maximum tokens per policy reply.
    public var policyMaxTokens = 1024
    /// Maximum tokens per simulated-user reply.
    public var userMaxTokens = 512
    /// Ask the simulated user and judges for JSON through `response_format`.
    public var structuredOutput = true

    /// A plan with the paper's defaults.
    public init(policy: String, user: String, judge: String) {
        self.policy = policy
        self.user = user
        self.judge = judge
    }

    /// The paper's λ for a pack of `kind`: 1e-4 for documents, 5e-4 for code and math.
    public static func paperLambda(for kind: TaskKind) -> Double {
        kind == .docs ? 1e-4 : 5e-4
    }

    /// λ in effect for `kind`.
    public func effectiveLambda(for kind: TaskKind) -> Double { lambda ?? Self.paperLambda(for: kind) }

    /// Checks the settings.
    /// - Throws: ``CollabBenchError`` (`.invalidArgument`) naming the setting.
    public func validate() throws {
        func bad(_ setting: String, _ value: String, _ message: String) -> CollabBenchError {
            CollabBenchError(.invalidArgument, message, setting: setting, value: value)
        }
        guard window >= 1 else { throw bad("window", "\(window)", "the window must be at least 1 exchange") }
        guard samples >= 1 else { throw bad("samples", "\(samples)", "samples must be at least 1") }
        guard concurrency >= 1 else { throw bad("concurrency", "\(concurrency)", "concurrency must be at least 1") }
        if let lambda, !(lambda.isFinite && lambda >= 0) { throw bad("lambda", "\(lambda)", "lambda must be a finite number >= 0") }
        switch formula {
        case .paper:
            guard weights.isEmpty else { throw bad("weight", weights.keys.sorted().joined(separator: ","), "weights need --formula weighted") }
        case .weighted:
            guard !weights.isEmpty else { throw bad("weight", "", "--formula weighted needs at least one --weight name=value") }
            for (name, value) in weights {
                guard Component(weightName: name) != nil else {
                    throw bad("weight", name, "unknown component '\(name)' (use task|accuracy|pass_rate|bleu, interactivity, token_amount)")
                }
                guard value.isFinite else { throw bad("weight", name, "weight of '\(name)' must be finite") }
            }
            let components = weights.keys.compactMap(Component.init(weightName:))
            guard Set(components).count == components.count else {
                throw bad("weight", weights.keys.sorted().joined(separator: ","), "two weights name the same component")
            }
        }
    }

    /// The run plan for the items of `pack`: the models, scoring options, cache and store as `run` takes them.
    public func runPlan(pack: String) -> RunPlan {
        var plan = RunPlan(pack: pack, agent: .model(policy))
        plan.user = user
        plan.judges = [judge]
        plan.protocolPreset = protocolPreset
        plan.extractor = extractor
        plan.judgedAccuracy = judgedAccuracy
        plan.itrScale = itrScale
        plan.seed = seed
        plan.concurrency = concurrency
        plan.cache = cache
        plan.store = store
        plan.maxExchanges = window
        plan.tokenizerDirectory = tokenizerDirectory
        plan.promptsDirectory = promptsDirectory
        plan.requestTimeoutSeconds = requestTimeoutSeconds
        plan.agentMaxTokens = policyMaxTokens
        plan.userMaxTokens = userMaxTokens
        plan.structuredOutput = structuredOutput
        return plan
    }

    /// A stable JSON form of the plan (sorted keys), as recorded with each call; model specs are
    /// written without credentials.
    public func canonicalJSON() -> String {
        var shown = self
        let masked = { (text: String) in (try? ModelSpec(parsing: text))?.description ?? "(unparsable spec)" }
        shown.policy = masked(policy)
        shown.user = masked(user)
        shown.judge = masked(judge)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(shown)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
