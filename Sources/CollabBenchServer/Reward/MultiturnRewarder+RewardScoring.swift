import CollabBenchRunner

// MARK: - RewardScoring

/// The reward library is the service's scorer: items and results are `reward --in/--out`'s, and
/// an item costs one concurrency unit per continuation (candidates × samples).
extension MultiturnRewarder: RewardScoring {
    /// Candidates × samples: the continuations scoring `item` runs.
    public nonisolated func cost(of item: RewardItem) -> Int {
        max(1, item.candidates.count * plan.samples)
    }
}
