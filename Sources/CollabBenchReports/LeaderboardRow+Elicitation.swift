import CollabBenchCore
import CollabBenchStore

extension LeaderboardRow {
    /// The row with the mean `elicitation` score (×100) of `conversations`; unchanged when none has one.
    func withElicitation(_ conversations: [ScoredConversation]) -> LeaderboardRow {
        let values = conversations.compactMap { c -> Double? in
            guard let entry = c.scores["elicitation"], entry.status == .scored else { return nil }
            return entry.value
        }
        guard !values.isEmpty else { return self }
        var row = self
        row.elicitation = values.reduce(0, +) / Double(values.count) * 100
        return row
    }
}
