/// The scale the interactivity (ITR) judge rates on, as written in a run's configuration
/// (`"itrScale"`) and given to `--itr-scale`.
///
/// Each scale has its own prompt template and criterion name, so a verdict's prompt hash and
/// criterion say which one produced a score.
public enum ITRScale: String, CaseIterable, Codable, Sendable, Hashable {
    /// The paper's rubric: an integer 1, 2 or 3, reported as 2·(S − 2.5) (+1, −1, −3).
    case threeLevel = "three-level"
    /// The later variant: a float in [0, 1], reported as given.
    case unit

    /// The prompt template this scale uses.
    public var templateName: String {
        switch self {
        case .threeLevel: "judge.interactivity"
        case .unit: "judge.interactivity.unit"
        }
    }

    /// The criterion recorded with the verdict (`interactivity` or `interactivity_unit`).
    public var criterion: String {
        switch self {
        case .threeLevel: "interactivity"
        case .unit: "interactivity_unit"
        }
    }

    /// The JSON schema the judge is asked to follow on this scale.
    public var schemaJSON: String {
        switch self {
        case .threeLevel: InteractivityJudge.schemaJSON
        case .unit: InteractivityJudge.unitSchemaJSON
        }
    }

    /// The values a readable reply may hold.
    var allowed: ClosedRange<Double> {
        switch self {
        case .threeLevel: 1...3
        case .unit: 0...1
        }
    }
}
