/// One simulated user's profile: a real person's answers, preferences and knowledge state (from
/// SimulatorArena or a persona file), plus synthetic traits.
///
/// A persona file (`run --personas <file>`) is a JSON list of these objects; every field but `id`
/// may be left out:
///
/// ```json
/// [{"id": "w1", "background": [{"question": "Who is the letter for?", "answer": "My sister Ann."}],
///   "preferences": [{"name": "Tone", "question": "Formal or casual?", "answer": "Casual."}],
///   "knowledge": [{"concept": "Factoring", "status": "Partial understanding"}],
///   "traits": {"expertise": "novice"}}]
/// ```
public struct Persona: Sendable, Codable, Hashable {
    /// A stable id, unique within its population (e.g. the SimulatorArena record key).
    public var id: String
    /// The person's own answers about what they want (their hidden intent, in their words).
    public var background: [PersonaFact]
    /// Preferences, each a name, a question and the person's answer.
    public var preferences: [PersonaFact]
    /// Concepts and how well the person understands each (students).
    public var knowledge: [PersonaConcept]
    /// Trait name → value: traits the source gives (e.g. `document_type`) and synthetic ones.
    public var traits: [String: String]

    /// Creates a persona.
    public init(
        id: String, background: [PersonaFact] = [], preferences: [PersonaFact] = [], knowledge: [PersonaConcept] = [],
        traits: [String: String] = [:]
    ) {
        self.id = id
        self.background = background
        self.preferences = preferences
        self.knowledge = knowledge
        self.traits = traits
    }

    /// Decodes a persona; missing lists and traits are empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        background = try c.decodeIfPresent([PersonaFact].self, forKey: .background) ?? []
        preferences = try c.decodeIfPresent([PersonaFact].self, forKey: .preferences) ?? []
        knowledge = try c.decodeIfPresent([PersonaConcept].self, forKey: .knowledge) ?? []
        traits = try c.decodeIfPresent([String: String].self, forKey: .traits) ?? [:]
    }
}

/// A question and the person's own answer (a background answer or a preference).
public struct PersonaFact: Sendable, Codable, Hashable {
    /// A short name (preferences), or nil.
    public var name: String?
    /// The question asked.
    public var question: String
    /// The person's answer.
    public var answer: String

    /// Creates a fact.
    public init(name: String? = nil, question: String, answer: String) {
        self.name = name
        self.question = question
        self.answer = answer
    }
}

/// A concept and the student's understanding of it (e.g. "Partial understanding").
public struct PersonaConcept: Sendable, Codable, Hashable {
    /// The concept.
    public var concept: String
    /// The student's status.
    public var status: String

    /// Creates a concept entry.
    public init(concept: String, status: String) {
        self.concept = concept
        self.status = status
    }
}
