import CollabBenchStore

extension LeaderboardRow {
    /// The row marked as a human run (its user role is a person, e.g. a study's participants)
    /// when `run`'s user is one; unchanged for simulated users.
    func withHumanUser(_ run: RunRecord) -> LeaderboardRow {
        guard EvaluationProfile.isHumanUser(run.userSimulator) else { return self }
        var row = self
        row.user = run.userSimulator
        row.humanRun = true
        return row
    }
}
