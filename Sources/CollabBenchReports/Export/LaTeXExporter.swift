import CollabBenchCore
import Foundation

/// Leaderboards as LaTeX tables (`booktabs`): one `table` per board, the best value of each
/// metric column in bold (highest; lowest for #Tok), intervals in small type below.
///
/// Needs `\usepackage{booktabs}` in the preamble. Text from models or task files is escaped.
public enum LaTeXExporter {
    /// Writes `report` to `out`.
    public static func write<Out: TextOutputStream>(_ report: LeaderboardReport, to out: inout Out) {
        let t = LaTeXText.escape
        let level = Int((report.level * 100).rounded())
        out.write("% CollabBench leaderboard. Requires \\usepackage{booktabs}.\n")
        out.write("% Means over tasks with \(level)% percentile-bootstrap intervals over tasks (\(report.resamples) resamples, seed \(report.seed)).\n")
        for board in report.boards {
            let columns = board.rows.map(Exporter.columns)
            // Bold the best shown value per metric column (ties all bold).
            var best: [String?] = []
            for c in 0..<3 {
                let shown = columns.compactMap { row -> (Double, String)? in
                    guard let v = row[c].value else { return nil }
                    return (v, Exporter.fixed(v, row[c].digits))
                }
                let higher = columns.first?[c].higherIsBetter ?? true
                let pick = higher ? shown.max { $0.0 < $1.0 } : shown.min { $0.0 < $1.0 }
                best.append(pick?.1)
            }
            out.write("\n\\begin{table}[t]\n\\centering\n\\small\n")
            var caption = "\(t(board.pack)) (\(board.kind.rawValue)): \(t(board.profile.summary))."
            if !board.differences.isEmpty { caption += " Not ranked with the first \(t(board.pack)) table: \(t(board.differences.joined(separator: "; ")))." }
            out.write("\\caption{\(caption)}\n")
            out.write("\\label{tab:collabbench-\(labelSafe(board.pack))-\(board.profile.id)}\n")
            out.write("\\begin{tabular}{lrrrrr}\n\\toprule\n")
            out.write("Agent & \(t(Metric.named(board.metric).label)) $\\uparrow$ & \\#Tok (k) $\\downarrow$ & ITR $\\uparrow$ & Tasks & $n$ \\\\\n\\midrule\n")
            for (row, values) in zip(board.rows, columns) {
                var cells = [t(row.agent)]
                for (c, column) in values.enumerated() {
                    let text = Exporter.fixed(column.value, column.digits)
                    var cell = column.value == nil ? "---" : (text == best[c] ? "\\textbf{\(number(text))}" : number(text))
                    if let interval = column.interval {
                        cell += "\\,{\\scriptsize[\(number(Exporter.fixed(interval.lower, column.digits))), \(number(Exporter.fixed(interval.upper, column.digits)))]}"
                    }
                    cells.append(cell)
                }
                cells += [String(row.tasks), String(row.conversations)]
                out.write(cells.joined(separator: " & ") + " \\\\\n")
            }
            out.write("\\bottomrule\n\\end{tabular}\n\\end{table}\n")
        }
    }

    /// A formatted number with a typographic minus.
    private static func number(_ text: String) -> String {
        text.hasPrefix("-") ? "$-$" + text.dropFirst() : text
    }

    private static func labelSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { s in
            (s.value < 128 && (s.properties.isAlphabetic || ("0"..."9").contains(s))) ? s : "-"
        }))
    }
}
