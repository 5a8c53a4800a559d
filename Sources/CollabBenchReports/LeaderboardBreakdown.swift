import CollabBenchCore
import CollabBenchStore
import Foundation

/// A leaderboard broken down by one persona trait (`leaderboard --by <trait>`): for each row, the
/// task metric and ITR of each group of conversations whose simulated user had the same value of
/// the trait, with the worst group marked.
///
/// Figures are plain means over the group's scored completed conversations (no intervals: groups
/// are small). The worst group is the one with the lowest task metric (ties: lower ITR, then
/// value name); it is marked only when a row has two groups or more. Conversations without a
/// recorded persona, or whose persona lacks the trait, form the group `(none)`. The trait
/// `persona` groups by the person's id.
public struct LeaderboardBreakdown: Sendable, Codable, Hashable {
    /// One group of one row.
    public struct Group: Sendable, Codable, Hashable {
        /// The trait's value.
        public var value: String
        /// Completed conversations in the group.
        public var conversations: Int
        /// Mean task metric (reporting units) and conversations it is over.
        public var taskMetric: Double?
        public var taskMetricN: Int
        /// Mean ITR (points) and conversations it is over.
        public var interactivity: Double?
        public var interactivityN: Int
        /// Whether this is the row's worst group.
        public var worst: Bool
    }

    /// One leaderboard row's groups.
    public struct Row: Sendable, Codable, Hashable {
        /// Pack, profile and agent of the leaderboard row.
        public var pack: String
        public var profileID: String
        public var agent: String
        /// The task metric's name.
        public var metric: String
        /// Groups, by value.
        public var groups: [Group]
    }

    /// The trait.
    public var trait: String
    /// A row per leaderboard row, in leaderboard order.
    public var rows: [Row]

    /// The label of conversations without the trait.
    public static let noValue = "(none)"

    /// The breakdown of `report`'s rows by `trait`, reading personas and scores from `store`.
    /// - Throws: ``CollabBenchError`` for store failures.
    public static func build(store: ResultStore, report: LeaderboardReport, trait: String) throws -> LeaderboardBreakdown {
        var rows: [Row] = []
        for board in report.boards {
            let metric = Metric.named(board.metric)
            for row in board.rows {
                var byValue: [String: [ScoredConversation]] = [:]
                for runID in row.runs {
                    let personas = try store.conversationPersonas(runID: runID)
                    let gate = try store.gateRecords(runID: runID)
                    for conversation in try store.scoreTable(runID: runID).conversations
                    where conversation.status == .completed && gate[conversation.key]?.outcome != GateCounts.excluded {
                        let persona = personas[conversation.key]
                        let value = trait == "persona" ? persona?.id : persona?.traits[trait]
                        byValue[value ?? noValue, default: []].append(conversation)
                    }
                }
                var groups = byValue.keys.sorted().map { value in
                    let items = byValue[value] ?? []
                    let task = means(items, metric: metric.name, scale: metric.scale.factor)
                    let itr = means(items, metric: Metric.itr.name, scale: Metric.itr.scale.factor)
                    return Group(
                        value: value, conversations: items.count, taskMetric: task.mean, taskMetricN: task.n, interactivity: itr.mean,
                        interactivityN: itr.n, worst: false)
                }
                if groups.count >= 2 {
                    let key = { (g: Group) in (g.taskMetric ?? .infinity, g.interactivity ?? .infinity) }
                    if let worst = groups.indices.min(by: { key(groups[$0]) < key(groups[$1]) }) { groups[worst].worst = true }
                }
                rows.append(Row(pack: row.pack, profileID: row.profileID, agent: row.agent, metric: row.metric, groups: groups))
            }
        }
        return LeaderboardBreakdown(trait: trait, rows: rows)
    }

    private static func means(_ conversations: [ScoredConversation], metric: String, scale: Double) -> (mean: Double?, n: Int) {
        let values = conversations.compactMap { c -> Double? in
            guard let entry = c.scores[metric], entry.status == .scored, let v = entry.value else { return nil }
            return v * scale
        }
        return (values.isEmpty ? nil : values.reduce(0, +) / Double(values.count), values.count)
    }

    /// The breakdown as text: per row, one line per group; the worst marked `← worst`.
    public var text: String {
        var out = "By \(TerminalText.sanitize(trait)):\n"
        for row in rows {
            out += "\(TerminalText.sanitize(row.pack)) \(row.profileID) \(TerminalText.sanitize(row.agent)):\n"
            let header = ["  " + trait, Metric.named(row.metric).label, "ITR", "n"]
            let cells = row.groups.map { g in
                [
                    "  " + TerminalText.sanitize(g.value) + (g.worst ? "  ← worst" : ""),
                    LeaderboardRenderer.format(g.taskMetric, digits: 1), LeaderboardRenderer.format(g.interactivity, digits: 1),
                    String(g.conversations),
                ]
            }
            out += LeaderboardRenderer.table(header: header, rows: cells)
        }
        return out
    }

    /// The breakdown as pretty-printed JSON (sorted keys).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
