import CollabBenchCore
import CollabBenchMetrics
import CollabBenchModels
import CollabBenchScoring
import CollabBenchStore
import Foundation

/// A run whose inputs are resolved and checked, before anything is called or written.
public struct PreparedRun: Sendable {
    /// The plan it was prepared from.
    public let plan: RunPlan
    let environment: [String: String]
    let workingDirectory: String
    /// The task pack.
    public let pack: TaskPack
    /// The prompt templates (bundled, with any overrides).
    public let prompts: PromptLibrary
    /// The pack's token encoding.
    public let encoding: TokenizerEncodingName
    /// The agent under test.
    public let agentSpec: ModelSpec
    /// The simulated user.
    public let userSpec: ModelSpec
    /// The primary judge.
    public let judgeSpec: ModelSpec
    /// Further judges.
    public let additionalJudges: [ModelSpec]
    /// The agent program, when the agent is one.
    public let subprocess: SubprocessAgent?
    /// Prices (built-in plus the plan's pricing file).
    public let prices: PricingTable
    /// The conversation protocol.
    public let settings: ConversationSettings
    /// How the judges call their model.
    public let judgeSettings: JudgeSettings
    /// The configuration stored with the run (its identity decides resuming).
    public let configuration: RunConfiguration
    /// The people the simulated users play (`run --personas`), if any.
    public var personas: PersonaPopulation? = nil

    /// The pack's kind.
    public var kind: TaskKind { pack.manifest.kind }

    /// Every model this run calls over HTTP (the agent unless it is a program, the simulated user,
    /// every judge), each once.
    public var calledSpecs: [ModelSpec] {
        var seen = Set<ModelSpec>()
        let all = (subprocess == nil ? [agentSpec] : []) + [userSpec, judgeSpec] + additionalJudges
        return all.filter { seen.insert($0).inserted }
    }

    /// Whether the LLM extractor takes the final artefact.
    public var usesLLMExtractor: Bool { plan.effectiveExtractor != .deterministic && kind != .math }

    /// What the run would take at most and about what it would cost; calls nothing.
    public func dryRunEstimate() -> DryRunEstimate {
        let templates = prompts.templates
        let promptTokens = { (names: [String]) in names.compactMap { templates[$0]?.text.utf8.count }.reduce(0, +) / 4 }
        let taskTokens = pack.tasks.map { $0.prompt.utf8.count + $0.hiddenIntent.utf8.count }.max().map { $0 / 4 } ?? 0
        let judgePrice = additionalJudges.allSatisfy { prices.price(for: $0) == prices.price(for: judgeSpec) } ? prices.price(for: judgeSpec) : nil
        let costing = DryRunEstimate.Costing(
            agent: (agentSpec.description, prices.price(for: agentSpec)),
            user: (userSpec.description, prices.price(for: userSpec)),
            judge: (judgeSpec.description, judgePrice),
            agentPromptTokens: promptTokens(plan.agentPreset == .proactive ? ["agent.proactive.system"] : []),
            userPromptTokens: promptTokens(["user-simulator.system", "user-simulator.turn", "user-simulator.guidance.\(kind.rawValue)"])
                + taskTokens,
            judgePromptTokens: promptTokens([plan.itrScale == .unit ? "judge.interactivity.unit" : "judge.interactivity"]) + taskTokens)
        return DryRunEstimate(
            pack: pack, limit: plan.limit, trials: plan.trials, shard: plan.shard, maxExchanges: settings.maxExchanges,
            judges: (1 + additionalJudges.count) * plan.judgeRepeats, judgeAttempts: plan.judgeAttempts,
            extraJudgeCalls: plan.judgesMathAccuracy && kind == .math ? 1 : 0, extractorCalls: usesLLMExtractor ? 1 : 0,
            agentMaxTokens: plan.agentMaxTokens, userMaxTokens: plan.userMaxTokens, judgeMaxTokens: plan.judgeMaxTokens,
            extractorMaxTokens: plan.extractorMaxTokens, costing: costing)
    }

    /// The HTTP client factory the plan asks for (pool size, timeouts, streaming, rate budgets).
    public func makeFactory() -> ModelClientFactory {
        ModelClientFactory(
            maxConnectionsPerHost: plan.concurrency * 2, requestTimeoutSeconds: plan.requestTimeoutSeconds, environment: environment,
            streaming: plan.stream, requestsPerMinute: plan.requestsPerMinute, tokensPerMinute: plan.tokensPerMinute,
            promptCache: plan.promptCache)
    }

    /// Checks the model servers (unless the cache replays offline), loads the tokenizer, opens the
    /// store and resolves the run against it. Nothing is written before the servers answered.
    /// - Parameters:
    ///   - factory: The HTTP client factory (nil: ``makeFactory()``); the session shuts it down
    ///     when it closes.
    ///   - countingTokens: Load the pack's tokenizer and count tokens (#Tok); false leaves the token
    ///     metrics out (for callers without the rank files, such as some tests).
    /// - Throws: ``CollabBenchError`` for an unreachable server, a refused key, a missing
    ///   tokenizer, an unusable store, or a changed configuration.
    public func open(factory given: ModelClientFactory? = nil, countingTokens: Bool = true) async throws -> RunSession {
        let factory = given ?? makeFactory()
        do {
            if plan.cache != .readOnly {
                try await factory.preflight(calledSpecs)  // Once per distinct server.
            }
            let tokenizer = countingTokens ? try await TokenizerLocator(explicitDirectory: plan.tokenizerDirectory).load(encoding) : nil
            let store = try ResultStore(path: plan.store)
            let resolution = try RunResolver.resolve(
                store: store, configuration: configuration, forceNew: plan.forceNew, retryFailed: plan.retryFailed)
            return RunSession(prepared: self, factory: factory, store: store, tokenizer: tokenizer, resolution: resolution)
        } catch {
            await subprocess?.shutdown()
            try? await factory.shutdown()
            throw error
        }
    }
}
