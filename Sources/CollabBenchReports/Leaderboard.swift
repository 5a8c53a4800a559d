import CollabBenchCore
import CollabBenchStore
import Foundation

/// One row of a leaderboard: one agent on one pack.
public struct LeaderboardRow: Sendable, Codable, Hashable {
    /// Pack name.
    public var pack: String
    /// The pack's kind.
    public var kind: TaskKind
    /// Agent spec and preset, as shown.
    public var agent: String
    /// Runs that contributed.
    public var runs: [String]
    /// Conversations stored (completed and failed).
    public var conversations: Int
    /// Conversations that failed (a model call failed after retries); not scored.
    public var failed: Int
    /// Name of the task metric (`accuracy`, `pass_rate`, `bleu`).
    public var metric: String
    /// Mean task metric × 100 over scored conversations, or nil when none is scored.
    public var taskMetric: Double?
    /// Conversations whose task metric is scored.
    public var taskMetricN: Int
    /// Conversations whose task metric was skipped (e.g. a missing library).
    public var taskMetricSkipped: Int
    /// Mean thousands of cl100k tokens of the agent's messages.
    public var tokensK: Double?
    /// Mean ITR × 100 (each score rescaled to 2·(S − 2.5)), or nil when none is scored.
    public var interactivity: Double?
    /// Conversations with a readable ITR verdict.
    public var interactivityN: Int
    /// Conversations whose ITR is unscored (judge reply unreadable) or whose judge failed.
    public var interactivityUnscored: Int
}

/// Builds leaderboards from the store: per pack, one row per agent.
public enum Leaderboard {
    /// Rows for every pack and agent in `store`, packs in name order, agents by task metric.
    public static func rows(store: ResultStore, pack: String? = nil) throws -> [LeaderboardRow] {
        var groups: [String: (run: RunRecord, runs: [String], scores: [ConversationScores])] = [:]
        for run in try store.runs() where pack == nil || run.packName == pack {
            let key = "\(run.packName)\u{1F}\(run.agent)\u{1F}\(run.agentPreset)"
            let scores = try store.conversationScores(runID: run.id)
            if var group = groups[key] {
                group.runs.append(run.id)
                group.scores += scores
                groups[key] = group
            } else {
                groups[key] = (run, [run.id], scores)
            }
        }
        let rows = groups.values.map { group -> LeaderboardRow in
            let run = group.run
            let metric = run.packKind.metricName
            let completed = group.scores.filter { $0.status == "completed" }
            let task = completed.compactMap { $0.scores[metric] }
            let taskValues = task.filter { $0.status == .scored }.compactMap(\.value)
            let tok = completed.compactMap { $0.scores["tok_k"]?.value }
            let itr = completed.compactMap { $0.scores["itr"] }
            let itrValues = itr.filter { $0.status == .scored }.compactMap(\.value)
            return LeaderboardRow(
                pack: run.packName, kind: run.packKind,
                agent: run.agentPreset == "base" ? run.agent : "\(run.agent) [\(run.agentPreset)]",
                runs: group.runs, conversations: group.scores.count,
                failed: group.scores.count - completed.count, metric: metric,
                taskMetric: mean(taskValues).map { $0 * 100 }, taskMetricN: taskValues.count,
                taskMetricSkipped: task.filter { $0.status == .skipped }.count,
                tokensK: mean(tok), interactivity: mean(itrValues).map { $0 * 100 }, interactivityN: itrValues.count,
                interactivityUnscored: itr.filter { $0.status != .scored }.count)
        }
        return rows.sorted {
            ($0.pack, -($0.taskMetric ?? -.infinity), $0.agent) < ($1.pack, -($1.taskMetric ?? -.infinity), $1.agent)
        }
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
