import CollabBenchCore

/// What a run would cost at most, computed before anything is called (`run --dry-run`).
public struct DryRunEstimate: Sendable, CustomStringConvertible {
    /// Conversations planned.
    public var conversations: Int
    /// Model calls at most (every conversation running its full exchange limit, every judge call retried).
    public var maxCalls: Int
    /// Model calls when no conversation ends early and every judge reply is readable.
    public var expectedCalls: Int
    /// Generated tokens at most (each call's max_tokens).
    public var maxGeneratedTokens: Int

    /// Estimates a run of `pack` with these settings.
    public init(
        pack: TaskPack, limit: Int?, trials: Int, shard: Shard?, maxExchanges: Int, judges: Int, judgeAttempts: Int,
        extraJudgeCalls: Int, extractorCalls: Int, agentMaxTokens: Int, userMaxTokens: Int, judgeMaxTokens: Int
    ) {
        let tasks = min(limit ?? pack.tasks.count, pack.tasks.count)
        let selected = (0..<tasks).filter { shard?.contains(position: $0) ?? true }.count
        conversations = selected * max(1, trials)
        let judgeCalls = judges + extraJudgeCalls + extractorCalls
        expectedCalls = conversations * (2 * maxExchanges + judgeCalls)
        maxCalls = conversations * (2 * maxExchanges + judgeCalls * max(1, judgeAttempts))
        maxGeneratedTokens = conversations * (maxExchanges * (agentMaxTokens + userMaxTokens) + judgeCalls * max(1, judgeAttempts) * judgeMaxTokens)
    }

    public var description: String {
        "Dry run: \(conversations) conversations; \(expectedCalls) model calls if every conversation runs to its limit "
            + "(\(maxCalls) at most with judge retries); at most \(maxGeneratedTokens) generated tokens. Nothing was called or stored."
    }
}
