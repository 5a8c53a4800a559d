import CollabBenchCore
import Foundation

/// How far a run's numbers can be trusted: unscored judgements and the simulated user's faults,
/// counted over the conversations that completed (a ``QualityTally`` with the run summary's rules).
public struct RunQuality: Sendable, Hashable {
    /// The counts behind every figure here.
    public private(set) var tally = QualityTally()

    /// Conversations scored.
    public var conversations: Int { tally.conversations }
    /// Task metric not scored (unreadable judge or extractor, missing library, …): skipped,
    /// unscored or failed.
    public var taskMetricUnscored: Int { tally.taskMetricSkipped + tally.taskMetricNotScored }
    /// ITR unscored (no readable judge reply) or failed.
    public var interactivityUnscored: Int { tally.interactivityNotScored }
    /// Sum of per-conversation shares of simulator replies that were not the requested JSON.
    public var simulatorFormatErrorSum: Double { tally.simulatorFormatErrorSum }
    /// Conversations the simulated user ended before the agent answered.
    public var earlyStops: Int { tally.earlyStops }
    /// Conversations whose simulated user copied more of the reference than the threshold.
    public var leaksFlagged: Int { tally.leaksFlagged }

    /// Creates an empty tally.
    public init() {}

    /// Adds one conversation's scores; a conversation without scores (it failed) is not counted.
    public mutating func add(_ scores: [ScoreEntry], taskMetric: String) {
        guard !scores.isEmpty else { return }
        tally.add(scores, taskMetric: taskMetric)
    }

    /// One line for people.
    public var line: String {
        guard conversations > 0 else { return "no conversation scored" }
        let format = simulatorFormatErrorSum / Double(conversations) * 100
        return "task metric unscored \(taskMetricUnscored), ITR unscored \(interactivityUnscored); simulated user: "
            + "\(String(format: "%.0f", format))% replies not the requested JSON, \(earlyStops) early stops, \(leaksFlagged) leaks flagged"
    }
}
