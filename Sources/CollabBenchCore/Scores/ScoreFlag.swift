/// A warning a score entry raises about its conversation, beyond its value.
///
/// A flag is not stored in a column of its own: the entry's detail text starts with
/// ``ScoreFlag/detailPrefix`` (`flagged`), the form every store has held since leaks were first
/// flagged. ``ScoreEntry/flag`` is the one place that reads it, and ``ScoreEntry/flagged(_:value:method:note:)``
/// the one place that writes it, so stores written before this type existed count their flags alike.
public enum ScoreFlag: String, Sendable, Hashable, CaseIterable {
    /// The simulated user copied more of the reference than the run's leak threshold allows
    /// (raised by the `sim_leak` entry).
    case leak

    /// How a flagged entry's detail text starts.
    public static let detailPrefix = "flagged"

    /// The metric whose entries raise this flag.
    public var metric: String {
        switch self {
        case .leak: "sim_leak"
        }
    }
}

extension ScoreEntry {
    /// The flag this entry raises: ``ScoreFlag/leak`` for a `sim_leak` entry whose detail starts
    /// with ``ScoreFlag/detailPrefix``, else nil.
    public var flag: ScoreFlag? {
        guard let detail, detail.hasPrefix(ScoreFlag.detailPrefix) else { return nil }
        return ScoreFlag.allCases.first { $0.metric == metric }
    }

    /// A scored entry of `flag`'s metric that raises `flag`, with `note` saying why.
    /// - Parameters:
    ///   - flag: The flag raised.
    ///   - value: The metric's value.
    ///   - method: How the value was computed.
    ///   - note: What was found, for people (stored as `flagged: <note>`).
    public static func flagged(_ flag: ScoreFlag, value: Double?, method: String, note: String) -> ScoreEntry {
        ScoreEntry(metric: flag.metric, value: value, status: .scored, method: method, detail: "\(ScoreFlag.detailPrefix): \(note)")
    }
}
