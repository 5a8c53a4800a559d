import CollabBenchCore

/// A set of real human–AI conversations with the users' own ratings, to hold the simulated user
/// and the judge against.
public enum HumanReferenceSet: String, Sendable, Codable, Hashable, CaseIterable {
    /// SimulatorArena's document-creation conversations (blog posts, emails, creative writing).
    case documentCreation = "document-creation"
    /// SimulatorArena's math-tutoring conversations.
    case mathTutoring = "math-tutoring"

    /// The task kind its conversations are stored as.
    public var kind: TaskKind {
        switch self {
        case .documentCreation: .docs
        case .mathTutoring: .math
        }
    }

    /// The name of the run it is imported as (re-importing finds it by this name).
    public var runName: String { "simulatorarena-\(rawValue)" }

    /// The metric holding the user's own rating of the interaction (1–10), which the judge is
    /// calibrated against.
    public var interactionRatingMetric: String {
        switch self {
        case .documentCreation: HumanRating.interaction.metric
        case .mathTutoring: HumanRating.overall.metric
        }
    }

    /// The file of the SimulatorArena release holding the set.
    public var fileName: String {
        switch self {
        case .documentCreation: "document_creation_annotations_for_benchmarking.json.gz"
        case .mathTutoring: "math_tutoring_annotations_redacted_for_benchmarking.json.gz"
        }
    }
}

/// A rating a real user gave their own conversation, stored as a score with method `human`.
public enum HumanRating: String, Sendable, Codable, Hashable, CaseIterable {
    /// Document creation: `overall_interaction_rating`.
    case interaction = "interaction_rating"
    /// Document creation: `overall_document_rating`.
    case document = "document_rating"
    /// Math tutoring: `overall_rating`.
    case overall = "overall_rating"

    /// The stored metric name, `human.<rating>`.
    public var metric: String { "human.\(rawValue)" }

    /// The score method of every human rating.
    public static let method = "human"
}
