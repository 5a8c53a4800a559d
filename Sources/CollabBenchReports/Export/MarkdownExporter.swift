import CollabBenchCore
import Foundation

/// Leaderboards as Markdown: per board a heading, the profile, and a table whose cells carry the
/// confidence intervals.
public enum MarkdownExporter {
    /// Writes `report` to `out`.
    public static func write<Out: TextOutputStream>(_ report: LeaderboardReport, to out: inout Out) {
        let m = MarkdownText.escape
        out.write("# CollabBench leaderboard\n\n")
        let level = Int((report.level * 100).rounded())
        out.write("Values are means over tasks (each task's trials averaged) with \(level)% percentile-bootstrap intervals over tasks (\(report.resamples) resamples, seed \(report.seed)). Task metrics and ITR ×100; #Tok in thousands of cl100k tokens.\n\n")
        if report.boards.isEmpty { out.write("No runs in this database yet.\n") }
        for board in report.boards {
            out.write("## \(m(board.pack)) (\(board.kind.rawValue)) · profile `\(board.profile.id)`\n\n")
            out.write("\(m(board.profile.summary))\n\n")
            for difference in board.differences { out.write("- Not ranked with the first \(m(board.pack)) board: \(m(difference))\n") }
            if !board.differences.isEmpty { out.write("\n") }
            let passK = LeaderboardRenderer.passK(board)
            var header = ["Rank", "Agent", "\(Metric.named(board.metric).label) [\(level)% CI]", "#Tok (k) [\(level)% CI]", "ITR [\(level)% CI]", "Tasks", "n", "Failed", "Unscored", "Sim. format errors", "Judge unreadable", "Runs"]
            if let passK { header += ["pass@\(passK)", "pass^\(passK)"] }
            out.write("| " + header.joined(separator: " | ") + " |\n")
            out.write("| " + header.indices.map { $0 == 1 || $0 == 11 ? "---" : "---:" }.joined(separator: " | ") + " |\n")
            for (rank, row) in board.rows.enumerated() {
                var cells = [String(rank + 1), m(row.agent)]
                for column in Exporter.columns(row) {
                    cells.append(LeaderboardRenderer.withInterval(column.value, column.interval, digits: column.digits))
                }
                cells += [
                    String(row.tasks), String(row.conversations), String(row.failed), String(row.unscored),
                    LeaderboardRenderer.percent(row.simulatorFormatErrorRate), LeaderboardRenderer.percent(row.judgeUnreadableRate),
                    zip(row.runNames, row.runs).map { name, id in m(name == id ? id : "\(name) (\(id))") }.joined(separator: "<br>"),
                ]
                if let passK {
                    let estimate = row.passAtK.first { $0.k == passK }
                    cells += [Exporter.fixed(estimate?.passAtK, 1), Exporter.fixed(estimate?.passHatK, 1)]
                }
                out.write("| " + cells.joined(separator: " | ") + " |\n")
            }
            out.write("\n<details><summary>Evaluation profile \(board.profile.id)</summary>\n\n")
            for (label, value) in board.profile.details {
                out.write("- \(m(label)): \(m(value))\n")
            }
            out.write("\n</details>\n\n")
        }
    }
}
