import CollabBenchCore
import Foundation

/// What a run would take at most (conversations, calls, generated tokens) and about what it would
/// cost, computed before anything is called (`run --dry-run`).
public struct DryRunEstimate: Sendable, CustomStringConvertible {
    /// Conversations planned.
    public var conversations: Int
    /// Model calls at most (every conversation running its full exchange limit, every judge call retried).
    public var maxCalls: Int
    /// Model calls when no conversation ends early and every judge reply is readable.
    public var expectedCalls: Int
    /// Generated tokens at most (each call's max_tokens).
    public var maxGeneratedTokens: Int
    /// Prompt tokens, about: every message as long as its max_tokens, prompts counted at about
    /// four bytes per token, every judge call retried.
    public var maxPromptTokens = 0
    /// US dollars for that many tokens (an estimate, not a bound: prompt sizes are estimated),
    /// when every model called has a price; nil otherwise.
    public var maxCostUSD: Double?
    /// Models called that have no price (their cost is unknown).
    public var unpricedModels: [String] = []

    /// Prices and prompt sizes for the cost part of the estimate.
    public struct Costing: Sendable {
        /// Price per role, nil when unknown; the names are shown when a price is missing.
        public var agent: (name: String, price: ModelPrice?)
        public var user: (name: String, price: ModelPrice?)
        public var judge: (name: String, price: ModelPrice?)
        /// Tokens of the fixed prompt text each role's call carries (instructions, task), estimated.
        public var agentPromptTokens: Int
        public var userPromptTokens: Int
        public var judgePromptTokens: Int

        /// Creates the costing inputs.
        public init(
            agent: (name: String, price: ModelPrice?), user: (name: String, price: ModelPrice?), judge: (name: String, price: ModelPrice?),
            agentPromptTokens: Int, userPromptTokens: Int, judgePromptTokens: Int
        ) {
            self.agent = agent
            self.user = user
            self.judge = judge
            self.agentPromptTokens = agentPromptTokens
            self.userPromptTokens = userPromptTokens
            self.judgePromptTokens = judgePromptTokens
        }
    }

    /// Estimates a run of `pack` with these settings.
    public init(
        pack: TaskPack, limit: Int?, trials: Int, shard: Shard?, maxExchanges: Int, judges: Int, judgeAttempts: Int,
        extraJudgeCalls: Int, extractorCalls: Int, agentMaxTokens: Int, userMaxTokens: Int, judgeMaxTokens: Int,
        extractorMaxTokens: Int? = nil, costing: Costing? = nil
    ) {
        let tasks = min(limit ?? pack.tasks.count, pack.tasks.count)
        let selected = (0..<tasks).filter { shard?.contains(position: $0) ?? true }.count
        conversations = selected * max(1, trials)
        let judgeCalls = judges + extraJudgeCalls + extractorCalls
        let judgeCallsAtMost = judgeCalls * max(1, judgeAttempts)
        expectedCalls = conversations * (2 * maxExchanges + judgeCalls)
        maxCalls = conversations * (2 * maxExchanges + judgeCallsAtMost)
        let attempts = max(1, judgeAttempts)
        let judgeOutput = (judges + extraJudgeCalls) * attempts * judgeMaxTokens + extractorCalls * attempts * (extractorMaxTokens ?? judgeMaxTokens)
        maxGeneratedTokens = conversations * (maxExchanges * (agentMaxTokens + userMaxTokens) + judgeOutput)
        guard let costing else { return }
        // Exchange i (1-based): the user's call sees i-1 earlier exchanges; the agent's sees them
        // plus the user's new message. Judges see the whole conversation.
        let exchange = agentMaxTokens + userMaxTokens
        var userIn = 0
        var agentIn = 0
        for i in 1...max(1, maxExchanges) {
            userIn += costing.userPromptTokens + (i - 1) * exchange
            agentIn += costing.agentPromptTokens + (i - 1) * exchange + userMaxTokens
        }
        let judgeIn = judgeCallsAtMost * (costing.judgePromptTokens + maxExchanges * exchange)
        maxPromptTokens = conversations * (userIn + agentIn + judgeIn)
        let roles: [(String, ModelPrice?, Int, Int)] = [
            (costing.agent.name, costing.agent.price, agentIn, maxExchanges * agentMaxTokens),
            (costing.user.name, costing.user.price, userIn, maxExchanges * userMaxTokens),
            (costing.judge.name, costing.judge.price, judgeIn, judgeOutput),
        ]
        var total = 0.0
        for (name, price, input, output) in roles {
            guard let price else {
                if !unpricedModels.contains(name) { unpricedModels.append(name) }
                continue
            }
            total += price.cost(TokenUsage(promptTokens: input, completionTokens: output)) * Double(conversations)
        }
        maxCostUSD = unpricedModels.isEmpty ? total : nil
    }

    public var description: String {
        var text = "Dry run: \(conversations) conversations; \(expectedCalls) model calls if every conversation runs to its limit "
            + "(\(maxCalls) at most with judge retries); at most \(maxGeneratedTokens) generated tokens"
        if maxPromptTokens > 0 { text += " and about \(maxPromptTokens) prompt tokens" }
        if let maxCostUSD {
            text += "; cost up to about \(Self.dollars(maxCostUSD))"
        } else if !unpricedModels.isEmpty {
            text += "; cost unknown: no price for \(unpricedModels.joined(separator: ", ")) (give one in a pricing file)"
        }
        return text + ". Nothing was called or stored."
    }

    /// US dollars with enough digits for small sums: `$12.35`, `$0.0042`.
    public static func dollars(_ value: Double) -> String {
        value >= 1 || value == 0 ? "$" + String(format: "%.2f", value) : "$" + String(format: "%.4f", value)
    }
}
