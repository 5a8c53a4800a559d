import Foundation

/// The people a run's simulated users are drawn from, and the synthetic traits added to each.
///
/// Each conversation gets one persona, chosen with a seed derived from the run's seed, the task id
/// and the trial, so a resumed or repeated run gives every conversation the same person.
public struct PersonaPopulation: Sendable, Hashable {
    /// The population's name (``PersonaSource/name``).
    public var name: String
    /// The personas, in source order (never empty).
    public var personas: [Persona]
    /// Synthetic traits sampled per conversation.
    public var traitSpace: PersonaTraitSpace?

    /// Creates a population.
    /// - Throws: ``CollabBenchError`` (`.invalidArgument`, setting `personas`) when `personas` is
    ///   empty or two share an id.
    public init(name: String, personas: [Persona], traitSpace: PersonaTraitSpace? = nil) throws {
        guard !personas.isEmpty else {
            throw CollabBenchError(.invalidArgument, "the persona population '\(name)' is empty", setting: "personas", value: name)
        }
        var seen = Set<String>()
        for persona in personas where !seen.insert(persona.id).inserted {
            throw CollabBenchError(.invalidArgument, "two personas share the id '\(persona.id)'", setting: "personas", value: name)
        }
        self.name = name
        self.personas = personas
        self.traitSpace = traitSpace
    }

    /// The persona of one conversation, with its synthetic traits (a source's own trait of the
    /// same name wins over a synthetic one).
    /// - Parameters:
    ///   - runSeed: The run's seed.
    ///   - taskID: The task.
    ///   - trial: The trial number.
    public func persona(runSeed: Int, taskID: String, trial: Int) -> Persona {
        let seed = StableHash.derivedSeed(runSeed, "persona", taskID, String(trial))
        var persona = personas[seed % personas.count]
        if let traitSpace {
            persona.traits.merge(traitSpace.sample(seed: seed)) { own, _ in own }
        }
        return persona
    }

    /// What the run's configuration pins about the population.
    public var source: PersonaSource {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let canonical = personas.map { (try? encoder.encode($0)).map { String(decoding: $0, as: UTF8.self) } ?? $0.id }
        return PersonaSource(
            name: name, contentHash: StableHash.sha256(canonical.joined(separator: "\n")), count: personas.count,
            traitsHash: traitSpace?.contentHash)
    }
}
