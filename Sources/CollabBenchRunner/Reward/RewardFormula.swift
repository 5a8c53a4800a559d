import CollabBenchCore

/// How one sample's components make its reward R*(t).
///
/// Paper: R* = metric − min(λ·tokens, 1) + ITR. Weighted: Σ weight·component over the weighted
/// components (`token_amount` = tokens / 1000). A component that could not be had is left out of
/// the sum and named in the returned list, never counted as 0.
public struct RewardFormula: Sendable, Hashable {
    /// The formula.
    public var formula: RewardPlan.Formula
    /// λ of the token penalty.
    public var lambda: Double
    /// Weights by component (``RewardPlan/Formula/weighted``).
    public var weights: [RewardPlan.Component: Double]

    /// The formula of `plan` for a pack of `kind`.
    public init(plan: RewardPlan, kind: TaskKind) {
        formula = plan.formula
        lambda = plan.effectiveLambda(for: kind)
        var byComponent: [RewardPlan.Component: Double] = [:]
        for (name, value) in plan.weights {
            if let component = RewardPlan.Component(weightName: name) { byComponent[component] = value }
        }
        weights = byComponent
    }

    /// The reward from the components that exist, and the names of those missing.
    /// - Returns: nil when every component that counts is missing.
    public func reward(metric: Double?, tokens: Int?, itr: Double?) -> (reward: Double?, missing: [String]) {
        var terms: [Double] = []
        var missing: [String] = []
        func add(_ name: String, _ value: Double?, _ term: (Double) -> Double) {
            if let value { terms.append(term(value)) } else { missing.append(name) }
        }
        switch formula {
        case .paper:
            add("metric", metric) { $0 }
            add("tokens", tokens.map(Double.init)) { -min(lambda * $0, 1) }
            add("itr", itr) { $0 }
        case .weighted:
            for component in RewardPlan.Component.allCases {
                guard let weight = weights[component] else { continue }
                switch component {
                case .task: add("metric", metric) { weight * $0 }
                case .interactivity: add("itr", itr) { weight * $0 }
                case .tokenAmount: add("tokens", tokens.map { Double($0) / 1000 }) { weight * $0 }
                }
            }
        }
        return (terms.isEmpty ? nil : terms.reduce(0, +), missing)
    }
}
