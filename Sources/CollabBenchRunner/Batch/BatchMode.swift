/// Which calls of a run go through the providers' batch APIs (`run --batch`).
///
/// Batching changes when calls are answered and what they cost (the providers bill batches at
/// half the list price), never what is asked or how replies are read: scores are those of direct
/// calls, so the mode is not part of a run's configuration or evaluation profile.
public enum BatchMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every call is made directly.
    case off
    /// The judge, accuracy-judge and extractor calls of finished conversations are batched; the
    /// conversations themselves run with direct calls.
    case judges
    /// Every call, advancing all conversations one turn per batch. Not built yet: refused when a
    /// run is prepared.
    case all
}
