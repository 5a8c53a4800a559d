import CollabBenchCore
import Foundation

/// Renders leaderboards for a terminal or as JSON.
public enum LeaderboardRenderer {
    /// A plain-text table per board. Text from models, task files or the command line is stripped
    /// of control characters so it cannot drive the terminal.
    public static func text(_ report: LeaderboardReport) -> String {
        guard !report.boards.isEmpty else { return "No runs in this database yet.\n" }
        var out = ""
        for board in report.boards {
            out += "Pack \(TerminalText.sanitize(board.pack)) (\(board.kind.rawValue)): \(TerminalText.sanitize(board.profile.summary))\n"
            for difference in board.differences {
                out += "  not ranked with the board above: \(TerminalText.sanitize(difference))\n"
            }
            out += table(header: header(board), rows: board.rows.map { cells($0, board: board) })
            for row in board.rows {
                if let gate = row.simulatorGate { out += "  simulator gate, \(TerminalText.sanitize(row.agent)): \(gate.summary)\n" }
            }
            if let figure = board.rows.lazy.compactMap(\.judgeCalibration).first {
                out += "  judge calibrated on \(TerminalText.sanitize(figure.set)) (run \(TerminalText.sanitize(figure.calibrationRun))): "
                out += "Spearman ρ of its interactivity vs \(TerminalText.sanitize(figure.ratingMetric)) \(figure.summary)\n"
            }
            let humanRows = board.rows.filter { $0.humanRun == true }
            if !humanRows.isEmpty, humanRows.count < board.rows.count {
                out += "  human runs on this board (real users, not the simulated user): "
                let marked = humanRows.map { "\(TerminalText.sanitize($0.agent)) (\(TerminalText.sanitize($0.user ?? "human")))" }
                out += marked.joined(separator: ", ") + "\n"
            }
            out += "\n"
        }
        out += "Intervals: \(Int((report.level * 100).rounded()))% percentile bootstrap over tasks, \(report.resamples) resamples, seed \(report.seed).\n"
        return out
    }

    /// The rows as a JSON array (pretty-printed, sorted keys).
    public static func json(_ rows: [LeaderboardRow]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(rows), as: UTF8.self) + "\n"
    }

    /// The largest k whose pass@k covers every task of the board's rows, if any row has one.
    static func passK(_ board: LeaderboardBoard) -> Int? {
        board.rows.compactMap { row in row.passAtK.filter { $0.tasks == row.passAtK.first?.tasks }.map(\.k).max() }.filter { $0 >= 2 }.max()
    }

    static func header(_ board: LeaderboardBoard) -> [String] {
        var header = [
            "Agent", Metric.named(board.metric).label + " [95% CI]", "#Tok (k) [95% CI]", "ITR [95% CI]", "tasks", "n", "failed", "unscored",
            "sim fmt err", "early stops", "leaks", "judge unread",
        ]
        if board.rows.contains(where: { $0.judgeAgreementAlpha != nil }) { header += ["judge α", "judge spread"] }
        if board.rows.contains(where: { $0.judgedSymbolicAgreement != nil }) { header += ["judged=symbolic"] }
        if let k = passK(board) { header += ["pass@\(k)", "pass^\(k)"] }
        if board.rows.contains(where: { $0.costUSD != nil }) { header += ["$ / conv"] }
        if board.rows.contains(where: { $0.elicitation != nil }) { header += ["elicit"] }
        if board.rows.contains(where: { $0.judgeCalibration != nil }) { header += ["judge ρ vs users [95% CI]"] }
        return header
    }

    static func cells(_ r: LeaderboardRow, board: LeaderboardBoard) -> [String] {
        var cells = [
            TerminalText.sanitize(r.agent), withInterval(r.taskMetric, r.taskMetricCI, digits: 1),
            withInterval(r.tokensK, r.tokensKCI, digits: 2), withInterval(r.interactivity, r.interactivityCI, digits: 1),
            String(r.tasks), String(r.conversations), String(r.failed), String(r.unscored),
            percent(r.simulatorFormatErrorRate), String(r.simulatorEarlyStops), String(r.simulatorLeaksFlagged), percent(r.judgeUnreadableRate),
        ]
        if board.rows.contains(where: { $0.judgeAgreementAlpha != nil }) {
            cells += [format(r.judgeAgreementAlpha, digits: 2), format(r.judgeSpread, digits: 1)]
        }
        if board.rows.contains(where: { $0.judgedSymbolicAgreement != nil }) { cells += [percent(r.judgedSymbolicAgreement)] }
        if let k = passK(board) {
            let estimate = r.passAtK.first { $0.k == k }
            cells += [format(estimate?.passAtK, digits: 1), format(estimate?.passHatK, digits: 1)]
        }
        if board.rows.contains(where: { $0.costUSD != nil }) {
            // "+?" marks a sum that leaves out calls of unknown cost.
            cells += [(r.costPerConversationUSD.map { String(format: "%.4f", $0) } ?? "—") + (r.costUSD != nil && r.unpricedCalls > 0 ? " +?" : "")]
        }
        if board.rows.contains(where: { $0.elicitation != nil }) { cells += [format(r.elicitation, digits: 1)] }
        if board.rows.contains(where: { $0.judgeCalibration != nil }) { cells += [r.judgeCalibration?.summary ?? "—"] }
        return cells
    }

    static func format(_ value: Double?, digits: Int) -> String {
        value.map { String(format: "%.\(digits)f", $0) } ?? "—"
    }

    static func withInterval(_ value: Double?, _ interval: ConfidenceInterval?, digits: Int) -> String {
        guard let value else { return "—" }
        guard let interval else { return format(value, digits: digits) }
        return "\(format(value, digits: digits)) [\(format(interval.lower, digits: digits)), \(format(interval.upper, digits: digits))]"
    }

    static func percent(_ rate: Double?) -> String {
        rate.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
    }

    static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { col in all.map { $0[col].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == 0 ? c.padding(toLength: widths[i], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[i] - c.count) + c
            }.joined(separator: "  ") + "\n"
        }
        return line(header) + line(widths.map { String(repeating: "-", count: $0) }) + rows.map(line).joined()
    }
}

/// Makes untrusted text safe to print on a terminal.
public enum TerminalText {
    /// `text` without control characters (escape sequences included) or bidirectional overrides;
    /// each becomes a space, so newlines do too.
    public static func sanitize(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || isBidiControl(scalar) ? " " : scalar
        }))
    }

    /// U+202A–U+202E and U+2066–U+2069 reorder the text around them on a terminal.
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }
}
