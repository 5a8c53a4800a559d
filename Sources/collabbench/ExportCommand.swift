import ArgumentParser
import CollabBenchReports
import CollabBenchStore
import Foundation

extension ExportFormat: ExpressibleByArgument {}

/// `collabbench export`: the leaderboard as Markdown, CSV, LaTeX, JSON or a self-contained HTML page.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the leaderboard as md, csv, latex, json or html (with charts and a transcript browser).",
        discussion: """
            md: Markdown tables. csv: RFC 4180, one record per row. latex: booktabs tables, best \
            value per column in bold. json: every number, each run's configuration and every \
            conversation's scores. html: one self-contained page with the boards, SVG charts and \
            every transcript; model text is escaped and the page runs no script. With --out, html \
            pages the transcripts: the file holds the boards and links, and the folder \
            <name>-transcripts/ beside it one page per --page-size conversations of each run \
            (--single-page keeps everything in one file).
            """)

    @Option(help: "The results database.")
    var db: String = "Results/collabbench.sqlite"

    @Option(help: "md, csv, latex, json or html.")
    var format: ExportFormat

    @Option(help: "Write to this file instead of standard output.")
    var out: String?

    @Option(help: "Only this pack.")
    var pack: String?

    @Option(help: "html with --out: conversations per transcript page.")
    var pageSize: Int = HTMLPagedExporter.defaultPageSize

    @Flag(help: "html with --out: one page holding every transcript (as on standard output).")
    var singlePage = false

    @OptionGroup var statistics: StatisticsOptions

    func validate() throws {
        guard pageSize >= 1 else { throw ValidationError("--page-size must be at least 1") }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try ReportStore.open(db)
            let report = try Leaderboard.build(store: store, options: statistics.leaderboardOptions(pack: pack))
            if format == .html, let out, !singlePage {
                let written: HTMLPagedExporter.Written
                do {
                    written = try HTMLPagedExporter.write(report, store: store, indexPath: out, pageSize: pageSize)
                } catch let error as ExportError {
                    throw ValidationError(error.message)
                }
                printError("Wrote html export of \(report.boards.count) board\(report.boards.count == 1 ? "" : "s") to \(out), transcripts in \(written.pages) page\(written.pages == 1 ? "" : "s") in \(written.folder).")
                return
            }
            let stream = try out.map { path in
                do { return try FileOutputStream(path: path) } catch { throw ValidationError("cannot write \(path)") }
            } ?? FileOutputStream(handle: .standardOutput)
            var sink = stream
            try Exporter.write(format, report: report, store: store, to: &sink)
            stream.close()
            if let out { printError("Wrote \(format.rawValue) export of \(report.boards.count) board\(report.boards.count == 1 ? "" : "s") to \(out).") }
        }
    }
}
