import CollabBenchCore
import Foundation

/// Renders a comparison of two runs for a terminal or as JSON.
public enum ComparisonRenderer {
    /// A plain-text report: the runs, the shared tasks, one line per metric and the changed tasks.
    /// Untrusted text (run names, agents, task ids) is stripped of control characters.
    public static func text(_ c: RunComparison) -> String {
        let s = TerminalText.sanitize
        var out = "A: \(s(c.runA.display)) · \(s(c.runA.agent))\n"
        out += "B: \(s(c.runB.display)) · \(s(c.runB.agent))\n"
        out += "Pack \(s(c.runA.pack)): \(c.sharedTasks) shared tasks"
        if c.onlyA + c.onlyB > 0 { out += " (\(c.onlyA) only in A, \(c.onlyB) only in B, left out)" }
        out += "\n"
        for difference in c.profileDifferences {
            out += "warning: not the same evaluation profile: \(s(difference))\n"
        }
        out += "\n"
        let level = Int((c.level * 100).rounded())
        let header = ["Metric", "pairs", "A", "B", "B − A [\(level)% CI]", "p", "test"]
        let rows = c.metrics.map { m in
            [
                Metric.named(m.metric).label + (m.metric == Metric.named(m.metric).label ? "" : " (\(m.metric))"),
                String(m.pairs), number(m.meanA, m.metric), number(m.meanB, m.metric),
                signed(m.difference, m.metric) + (m.interval.map { " [\(signed($0.lower, m.metric)), \(signed($0.upper, m.metric))]" } ?? ""),
                pValue(m.pValue), m.test,
            ]
        }
        out += LeaderboardRenderer.table(header: header, rows: rows)
        for m in c.metrics where !m.improved.isEmpty || !m.worsened.isEmpty {
            let label = Metric.named(m.metric).label
            for (changes, count, flippedText, changedText) in [
                (m.worsened, m.worsenedCount, "flipped to fail in B", "worse in B"), (m.improved, m.improvedCount, "flipped to pass in B", "better in B"),
            ] where !changes.isEmpty {
                out += "\n\(label): \(m.binary ? flippedText : changedText) (\(count)"
                out += count > changes.count ? ", the \(changes.count) largest shown): " : "): "
                out += changes.map { m.binary ? s($0.taskID) : "\(s($0.taskID)) (\(number($0.a, m.metric)) → \(number($0.b, m.metric)))" }
                    .joined(separator: ", ") + "\n"
            }
        }
        out += "\nIntervals: \(level)% paired percentile bootstrap over tasks (\(c.resamples) resamples, seed \(c.seed)).\n"
        return out
    }

    /// The comparison as pretty-printed JSON.
    public static func json(_ c: RunComparison) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(c), as: UTF8.self) + "\n"
    }

    static func digits(_ metric: String) -> Int { Metric.named(metric).scale.digits }

    static func number(_ value: Double?, _ metric: String) -> String {
        LeaderboardRenderer.format(value, digits: digits(metric))
    }

    static func signed(_ value: Double?, _ metric: String) -> String {
        guard let value else { return "—" }
        return String(format: "%+.\(digits(metric))f", value == 0 ? 0 : value)
    }

    /// A p-value with two significant digits, or `<0.0001`.
    public static func pValue(_ p: Double) -> String {
        if p < 0.0001 { return "<0.0001" }
        if p >= 0.1 { return String(format: "%.2f", p) }
        return String(format: "%.2g", p)
    }
}
