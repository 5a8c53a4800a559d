/// Synthetic traits to sample per conversation (`run --persona-traits traits.yaml`): each trait
/// name with the values it may take, e.g. `expertise: [novice, intermediate, expert]`.
public struct PersonaTraitSpace: Sendable, Hashable, Codable {
    /// Trait name → its values, in file order.
    public var traits: [String: [String]]

    /// Creates a trait space; traits without values are dropped.
    public init(traits: [String: [String]]) {
        self.traits = traits.filter { !$0.value.isEmpty }
    }

    /// One value per trait, chosen with `seed` (each trait draws on its own derived seed).
    public func sample(seed: Int) -> [String: String] {
        var out: [String: String] = [:]
        for (name, values) in traits {
            out[name] = values[StableHash.derivedSeed(seed, "trait", name) % values.count]
        }
        return out
    }

    /// SHA-256 of the canonical text (names sorted, values in order).
    public var contentHash: String {
        StableHash.sha256(traits.keys.sorted().map { "\($0)=\(traits[$0]!.joined(separator: "\u{1F}"))" }.joined(separator: "\n"))
    }
}
