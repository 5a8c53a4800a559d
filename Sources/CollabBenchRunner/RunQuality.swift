import CollabBenchCore
import Foundation

/// How far a run's numbers can be trusted: unscored judgements and the simulated user's faults,
/// counted over the conversations that completed.
public struct RunQuality: Sendable, Hashable {
    /// Conversations scored.
    public var conversations = 0
    /// Task metric not scored (unreadable judge or extractor, missing library, …).
    public var taskMetricUnscored = 0
    /// ITR unscored (no readable judge reply) or failed.
    public var interactivityUnscored = 0
    /// Sum of per-conversation shares of simulator replies that were not the requested JSON.
    public var simulatorFormatErrorSum = 0.0
    /// Conversations the simulated user ended before the agent answered.
    public var earlyStops = 0
    /// Conversations whose simulated user copied more of the reference than the threshold.
    public var leaksFlagged = 0

    /// Creates an empty tally.
    public init() {}

    /// Adds one conversation's scores.
    public mutating func add(_ scores: [ScoreEntry], taskMetric: String) {
        guard !scores.isEmpty else { return }
        conversations += 1
        let byName = Dictionary(scores.map { ($0.metric, $0) }, uniquingKeysWith: { a, _ in a })
        if let t = byName[taskMetric], t.status != .scored { taskMetricUnscored += 1 }
        if let i = byName["itr"], i.status != .scored { interactivityUnscored += 1 }
        simulatorFormatErrorSum += byName["sim_format_errors"]?.value ?? 0
        if byName["sim_early_stop"]?.value == 1 { earlyStops += 1 }
        if byName["sim_leak"]?.detail?.hasPrefix("flagged") == true { leaksFlagged += 1 }
    }

    /// One line for people.
    public var line: String {
        guard conversations > 0 else { return "no conversation scored" }
        let format = simulatorFormatErrorSum / Double(conversations) * 100
        return "task metric unscored \(taskMetricUnscored), ITR unscored \(interactivityUnscored); simulated user: "
            + "\(String(format: "%.0f", format))% replies not the requested JSON, \(earlyStops) early stops, \(leaksFlagged) leaks flagged"
    }
}
