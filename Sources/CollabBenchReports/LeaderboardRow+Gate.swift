import CollabBenchStore

/// How many conversations of a row the simulator gate flagged, re-ran and excluded, and why.
public struct GateCounts: Sendable, Codable, Hashable {
    /// The stored outcome of an excluded conversation.
    public static let excluded = "excluded"

    /// Kept and marked.
    public var flagged: Int
    /// Re-run until an attempt passed.
    public var rerun: Int
    /// Left out of the scores (every attempt broke the protocol).
    public var excluded: Int
    /// Reason → conversations with it.
    public var reasons: [String: Int]

    /// Counts over gate records.
    public init(_ records: some Sequence<GateRecord>) {
        var flagged = 0
        var rerun = 0
        var excluded = 0
        var reasons: [String: Int] = [:]
        for record in records {
            switch record.outcome {
            case "flagged": flagged += 1
            case "rerun": rerun += 1
            case Self.excluded: excluded += 1
            default: continue
            }
            for reason in record.reasons { reasons[reason, default: 0] += 1 }
        }
        self.flagged = flagged
        self.rerun = rerun
        self.excluded = excluded
        self.reasons = reasons
    }

    /// `2 flagged, 1 re-run, 0 excluded (early_stop 2, leak 1)`.
    public var summary: String {
        let why = reasons.keys.sorted().map { "\($0) \(reasons[$0] ?? 0)" }.joined(separator: ", ")
        return "\(flagged) flagged, \(rerun) re-run, \(excluded) excluded" + (why.isEmpty ? "" : " (\(why))")
    }
}

extension LeaderboardRow {
    /// The row with the simulator gate's counts; unchanged (no counts) when the gate recorded nothing.
    func withSimulatorGate(_ records: [GateRecord]) -> LeaderboardRow {
        guard !records.isEmpty else { return self }
        var row = self
        row.simulatorGate = GateCounts(records)
        return row
    }
}
