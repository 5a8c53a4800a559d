/// Which population a run's simulated users are drawn from, as pinned in the run's configuration
/// (part of its identity and its evaluation profile; absent when the run has no personas).
public struct PersonaSource: Sendable, Codable, Hashable {
    /// `simulatorarena-writers`, `simulatorarena-students`, or a persona file's name.
    public var name: String
    /// SHA-256 of the population (every persona's canonical JSON).
    public var contentHash: String
    /// Personas in the population.
    public var count: Int
    /// SHA-256 of the synthetic trait space, when one is given.
    public var traitsHash: String?

    /// Creates a source record.
    public init(name: String, contentHash: String, count: Int, traitsHash: String? = nil) {
        self.name = name
        self.contentHash = contentHash
        self.count = count
        self.traitsHash = traitsHash
    }
}
