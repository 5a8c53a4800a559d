/// Which calls of a run go through the providers' batch APIs (`run --batch`).
///
/// Batching changes when calls are answered and what they cost (the providers bill batches at
/// half the list price), never what is asked or how replies are read: scores are those of direct
/// calls, so the mode is not part of a run's configuration or evaluation profile.
public enum BatchMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every call is made directly.
    case off
    /// The judge, accuracy-judge and extractor calls of finished conversations are batched; the
    /// conversations themselves run with direct calls.
    case judges
    /// Every call is batched: the agent's (unless it is an agent program, which stays direct), the
    /// simulated user's and the judges'. The run's conversations start together (see
    /// ``BenchmarkRunner/conversationsAtOnce(mode:concurrency:maxBatchRequests:agentProgram:budget:)``)
    /// and advance one turn per batch: turn k of every conversation goes in one batch per model.
    case all

    /// The roles whose calls go through the batch API in this mode.
    var batchedRoles: Set<ModelStack.Role> {
        switch self {
        case .off: []
        case .judges: [.judge]
        case .all: Set(ModelStack.Role.allCases)
        }
    }
}
