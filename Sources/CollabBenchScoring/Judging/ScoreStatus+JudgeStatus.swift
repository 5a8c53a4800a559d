import CollabBenchCore

extension ScoreStatus {
    /// The score status of a judgement's outcome: scored, unscored (no readable reply) or failed
    /// (the judge could not be called).
    public init(_ status: JudgeStatus) {
        switch status {
        case .scored: self = .scored
        case .unscored: self = .unscored
        case .failed: self = .failed
        }
    }
}
