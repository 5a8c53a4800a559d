import CollabBenchCore
import Testing

/// The one quality tally and the typed leak flag it counts.
@Suite(.timeLimit(.minutes(5)))
struct QualityTallyTests {
    static func scores(_ entries: ScoreEntry...) -> [String: ScoreEntry] {
        Dictionary(entries.map { ($0.metric, $0) }, uniquingKeysWith: { a, _ in a })
    }

    static func entry(_ metric: String, _ value: Double?, _ status: ScoreStatus = .scored, detail: String? = nil) -> ScoreEntry {
        ScoreEntry(metric: metric, value: value, status: status, method: "m", detail: detail)
    }

    @Test func sortsTaskMetricAndITRIntoDisjointBuckets() {
        let tally = QualityTally(
            [
                Self.scores(Self.entry("pass_rate", 1), Self.entry("itr", 1)),
                Self.scores(Self.entry("pass_rate", nil, .skipped), Self.entry("itr", 1)),
                Self.scores(Self.entry("pass_rate", nil, .unscored), Self.entry("itr", nil, .unscored)),
                Self.scores(Self.entry("pass_rate", nil, .failed), Self.entry("itr", nil, .failed)),
                Self.scores(Self.entry("turns", 2)),
                [:],
            ], taskMetric: "pass_rate")
        #expect(tally.conversations == 6)
        #expect(tally.taskMetricMissing == 2)
        #expect(tally.taskMetricSkipped == 1)
        #expect(tally.taskMetricNotScored == 2)
        #expect(tally.interactivityMissing == 2)
        #expect(tally.interactivityNotScored == 2)
        // Skipped with a scored ITR is not unscored; everything after it is.
        #expect(tally.conversationsWithUnscoredFigure == 4)
    }

    @Test func countsSimulatorFaults() {
        var tally = QualityTally()
        tally.add(
            [
                Self.entry("sim_format_errors", 0.5), Self.entry("sim_early_stop", 1),
                Self.entry("sim_leak", 0.9, detail: "flagged: copied 80 characters of the reference"),
            ], taskMetric: "bleu")
        tally.add(
            [Self.entry("sim_format_errors", 0.25), Self.entry("sim_early_stop", 0), Self.entry("sim_leak", 0.1)], taskMetric: "bleu")
        tally.add([Self.entry("sim_leak", 0.9, detail: "copied a lot, flagged")], taskMetric: "bleu")
        #expect(tally.conversations == 3)
        #expect(tally.simulatorFormatErrorSum == 0.75)
        #expect(tally.earlyStops == 1)
        #expect(tally.leaksFlagged == 1)
    }

    @Test func listsCountTheFirstEntryOfAMetric() {
        var tally = QualityTally()
        tally.add([Self.entry("sim_early_stop", 1), Self.entry("sim_early_stop", 0)], taskMetric: "bleu")
        #expect(tally.earlyStops == 1)
    }

    /// A store written before the typed flag holds the leak only as detail text starting with
    /// `flagged`; that is exactly what the flag reads, so old and new entries count alike.
    @Test func theLeakFlagIsReadFromTheStoredDetail() {
        let written = ScoreEntry.flagged(.leak, value: 0.6, method: "lcs", note: "copied 12 characters of the reference")
        #expect(
            written
                == ScoreEntry(
                    metric: "sim_leak", value: 0.6, status: .scored, method: "lcs", detail: "flagged: copied 12 characters of the reference"
                ))
        #expect(written.flag == .leak)
        let stored = ScoreEntry(
            metric: "sim_leak", value: 0.6, status: .scored, method: "lcs", detail: "flagged: copied 12 characters of the reference")
        #expect(stored.flag == .leak)
        #expect(ScoreEntry(metric: "sim_leak", value: 0.1, status: .scored, method: "lcs").flag == nil)
        #expect(ScoreEntry(metric: "sim_leak", value: 0.1, status: .scored, method: "lcs", detail: "not flagged").flag == nil)
        // Only the metric that raises a flag carries it.
        #expect(ScoreEntry(metric: "bleu", value: 0.1, status: .scored, method: "bleu", detail: "flagged: x").flag == nil)
    }
}
