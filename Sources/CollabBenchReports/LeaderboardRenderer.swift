import CollabBenchCore
import Foundation

/// Renders leaderboard rows for a terminal or as JSON.
public enum LeaderboardRenderer {
    /// A plain-text table per pack. Text from models or task files is stripped of control
    /// characters so it cannot drive the terminal.
    public static func text(_ rows: [LeaderboardRow]) -> String {
        guard !rows.isEmpty else { return "No runs in this database yet.\n" }
        var out = ""
        let packs = rows.map(\.pack).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for pack in packs {
            let packRows = rows.filter { $0.pack == pack }
            let metric = packRows[0].metric
            out += "Pack \(TerminalText.sanitize(pack)) (\(packRows[0].kind.rawValue))\n"
            let header = ["Agent", metricLabel(metric), "#Tok (k)", "ITR", "n", "failed", "ITR unscored"]
            let body = packRows.map { r in
                [
                    TerminalText.sanitize(r.agent), format(r.taskMetric, digits: 1), format(r.tokensK, digits: 2),
                    format(r.interactivity, digits: 1), String(r.conversations), String(r.failed), String(r.interactivityUnscored),
                ]
            }
            out += table(header: header, rows: body)
            out += "\n"
        }
        return out
    }

    /// The rows as a JSON array (pretty-printed, sorted keys).
    public static func json(_ rows: [LeaderboardRow]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(rows), as: UTF8.self) + "\n"
    }

    static func metricLabel(_ metric: String) -> String {
        switch metric {
        case "accuracy": "Acc"
        case "pass_rate": "Pass"
        case "bleu": "BLEU"
        default: metric
        }
    }

    static func format(_ value: Double?, digits: Int) -> String {
        value.map { String(format: "%.\(digits)f", $0) } ?? "—"
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
    /// `text` without control characters (escape sequences included); newlines become spaces.
    public static func sanitize(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar.value == 0x9B ? " " : scalar
        }))
    }
}
