import CollabBenchCore
import CollabBenchStore
import Foundation

/// The formats `collabbench export` writes.
public enum ExportFormat: String, Sendable, CaseIterable, Codable {
    /// Markdown tables, one per board.
    case md
    /// RFC 4180 CSV, one record per row.
    case csv
    /// LaTeX `booktabs` tables, best value per column in bold.
    case latex
    /// Every number, the per-run configuration and the per-conversation results.
    case json
    /// One self-contained page: boards, charts and a transcript browser.
    case html

    /// The usual file extension.
    public var fileExtension: String {
        switch self {
        case .md: "md"
        case .csv: "csv"
        case .latex: "tex"
        case .json: "json"
        case .html: "html"
        }
    }
}

/// Writes a leaderboard report in any ``ExportFormat``.
public enum Exporter {
    /// Writes `report` as `format` to `out`. JSON and HTML also read the runs, conversations and
    /// (HTML) messages from `store`, streaming them.
    /// - Throws: ``CollabBenchError`` for store failures.
    public static func write<Out: TextOutputStream>(
        _ format: ExportFormat, report: LeaderboardReport, store: ResultStore, to out: inout Out
    ) throws {
        switch format {
        case .md: MarkdownExporter.write(report, to: &out)
        case .csv: CSVExporter.write(report, to: &out)
        case .latex: LaTeXExporter.write(report, to: &out)
        case .json: try JSONExporter.write(report, store: store, to: &out)
        case .html: try HTMLExporter.write(report, store: store, to: &out)
        }
    }

    /// Numbers as shown in tables: fixed digits, `—` for none.
    static func fixed(_ value: Double?, _ digits: Int) -> String {
        LeaderboardRenderer.format(value, digits: digits)
    }

    /// Numbers in machine-readable formats: the shortest text that reads back as the same double,
    /// or empty for none.
    static func exact(_ value: Double?) -> String {
        guard let value else { return "" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }

    /// The three headline metrics of a row: metric, value, interval, digits, higher is better.
    static func columns(_ row: LeaderboardRow) -> [(metric: Metric, value: Double?, interval: ConfidenceInterval?, digits: Int, higherIsBetter: Bool)] {
        [
            column(Metric.named(row.metric), row.taskMetric, row.taskMetricCI, digits: 1),
            column(.tokensK, row.tokensK, row.tokensKCI, digits: 2),
            column(.itr, row.interactivity, row.interactivityCI, digits: 1),
        ]
    }

    private static func column(
        _ metric: Metric, _ value: Double?, _ interval: ConfidenceInterval?, digits: Int
    ) -> (metric: Metric, value: Double?, interval: ConfidenceInterval?, digits: Int, higherIsBetter: Bool) {
        (metric, value, interval, digits, metric.direction != .lowerIsBetter)
    }

    /// The runs of a report's boards in board order, each once.
    static func runIDs(_ report: LeaderboardReport) -> [String] {
        var seen = Set<String>()
        var ids: [String] = []
        for row in report.rows {
            for id in row.runs where seen.insert(id).inserted { ids.append(id) }
        }
        return ids
    }
}
