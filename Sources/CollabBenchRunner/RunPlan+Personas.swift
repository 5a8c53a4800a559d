import CollabBenchCore
import CollabBenchPacks
import Foundation
import Yams

extension RunPlan {
    /// Checks the persona and simulator-gate settings.
    /// - Throws: ``CollabBenchError`` (`.invalidArgument`) naming `personaTraitsFile` or `simulatorReruns`.
    public func validatePersonasAndGate() throws {
        if personaTraitsFile != nil, personas == nil {
            throw CollabBenchError(.invalidArgument, "synthetic traits need a persona population (personas)", setting: "personaTraitsFile")
        }
        if simulatorReruns < 0 {
            throw CollabBenchError(.invalidArgument, "must be 0 or more (got \(simulatorReruns))", setting: "simulatorReruns")
        }
    }

    /// The persona population the plan names, with its synthetic traits (nil without personas).
    /// - Throws: ``CollabBenchError`` naming the file at fault.
    public func loadPersonas(environment: [String: String], workingDirectory: String) throws -> PersonaPopulation? {
        guard let personas else { return nil }
        let (name, people) = try PersonaReader.read(
            personas, directory: PersonaReader.defaultDirectory(environment: environment, workingDirectory: workingDirectory))
        let traits = try personaTraitsFile.map(Self.readTraits)
        return try PersonaPopulation(name: name, personas: people, traitSpace: traits)
    }

    /// Reads a traits file: a YAML mapping of trait name to a list of values (or one value), e.g.
    /// `expertise: [novice, expert]` and `typo_rate: [0, 0.05]`.
    /// - Throws: ``CollabBenchError`` (`.missingFile` or `.invalidArgument`) naming the file.
    static func readTraits(_ path: String) throws -> PersonaTraitSpace {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CollabBenchError(.missingFile, "cannot read the persona traits file", file: path)
        }
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            throw CollabBenchError(.invalidArgument, "not valid YAML: \(error)", file: path, setting: "personaTraitsFile")
        }
        guard let mapping = loaded as? [String: Any], !mapping.isEmpty else {
            throw CollabBenchError(
                .invalidArgument, "expected a mapping of trait name to a list of values, e.g. 'expertise: [novice, expert]'", file: path,
                setting: "personaTraitsFile")
        }
        var traits: [String: [String]] = [:]
        for (name, value) in mapping {
            let values = (value as? [Any]) ?? [value]
            let texts = values.map { "\($0)" }
            guard !texts.isEmpty, !(value is [String: Any]) else {
                throw CollabBenchError(.invalidArgument, "trait '\(name)' needs a list of values", file: path, setting: "personaTraitsFile")
            }
            traits[name] = texts
        }
        return PersonaTraitSpace(traits: traits)
    }
}
