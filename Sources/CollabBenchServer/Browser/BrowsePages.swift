import CollabBenchCore
import CollabBenchReports
import CollabBenchStore
import Foundation
import Hummingbird

/// The results browser's server-rendered pages: `/` (leaderboards), `/runs`, `/runs/{id}` (the
/// conversation table), `/conversations/{id}` (a transcript) and `/compare`. Every text from the
/// store is escaped with ``HTMLPage/escape(_:)`` (model output is untrusted); no inline script or
/// style (the content-security policy forbids them: behaviour and looks come from `/static/`).
///
/// Stable hooks for browser tests: `#leaderboard`, `#runs`, `#conversations` (the table),
/// `#conversation-filter` (its form), `#pager`, `#transcript` with one `.turn` per message,
/// `#scores`, `#judge-calls`, `#comparison`.
enum BrowsePages {
    static let navigation = [("Leaderboards", "/"), ("Runs", "/runs"), ("Compare", "/compare")]

    /// Registers the pages on `router`.
    static func register<Context: RequestContext>(_ service: BrowseService, on router: Router<Context>) {
        router.get("/") { _, _ in
            let answer = try await service.leaderboards()
            return page("Leaderboards", leaderboards(answer.snapshot.report, freshness: freshness(answer)))
        }
        router.get("/runs") { _, _ in
            page("Runs", runList(try await service.runOverviews()))
        }
        router.get("/runs/:id") { request, context in
            let id = try context.parameters.require("id")
            let pageRequest: ConversationPageRequest
            do {
                pageRequest = try BrowseQuery.pageRequest(runID: id, query: request.queryDictionary)
            } catch let error as BrowseQueryError {
                return problem("Bad request", error.text, status: .badRequest)
            }
            guard let detail = try await service.runDetail(id: id), let table = try await service.conversationPage(pageRequest) else {
                return problem("Not found", "no run '\(id)'", status: .notFound)
            }
            return page("Run \(detail.overview.name)", runPage(detail, table: table, request: pageRequest))
        }
        router.get("/conversations/:id") { _, context in
            let text = try context.parameters.require("id")
            guard let id = Int64(text), let detail = try await service.store.conversationDetail(id: id) else {
                return problem("Not found", "no conversation '\(text)'", status: .notFound)
            }
            let run = try await service.store.runRecord(id: detail.summary.runID)
            return page("Conversation \(detail.summary.taskID) #\(detail.summary.trial)", transcriptPage(detail, run: run))
        }
        router.get("/compare") { request, _ in
            let query = request.queryDictionary
            let a = query["a"] ?? "", b = query["b"] ?? ""
            let runs = try await service.runOverviews()
            guard !a.isEmpty, !b.isEmpty else { return page("Compare", compareForm(runs, a: a, b: b)) }
            switch try await service.compare(a: a, b: b) {
            case .success(let comparison): return page("Compare", compareForm(runs, a: a, b: b) + comparisonBody(comparison))
            case .failure(let missing): return problem("Not found", missing.message, status: .notFound)
            }
        }
    }

    static func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok) -> Response {
        HTTPResponses.html(HTMLPage.render(title: "\(title) · CollabBench", navigation: navigation, body: body), status: status)
    }

    static func problem(_ title: String, _ message: String, status: HTTPResponse.Status) -> Response {
        page(title, "<h1>\(h(title))</h1>\n<p class=\"error\">\(h(message))</p>", status: status)
    }

    static func h(_ text: String) -> String { HTMLPage.escape(text) }

    // MARK: - Leaderboards

    /// ISO 8601 in UTC, to the second (the board's `computedAt`).
    static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    /// The line saying when the board was computed: "as of …, updating" while a newer board is
    /// computed in the background; the first board notes that the page waited for it.
    static func freshness(_ answer: LeaderboardCache.Answer) -> String {
        let time = "<time datetime=\"\(h(timestamp(answer.snapshot.computedAt)))\">\(h(timestamp(answer.snapshot.computedAt)))</time>"
        if answer.stale {
            return "<p class=\"muted\" id=\"board-freshness\" data-stale=\"true\">As of \(time), updating: the store changed and a newer board is being computed; reload in a moment.</p>\n"
        }
        let waited = answer.waited ? " (the server's first leaderboard; this page waited for it to be computed)" : ""
        return "<p class=\"muted\" id=\"board-freshness\" data-stale=\"false\">As of \(time)\(waited).</p>\n"
    }

    static func leaderboards(_ report: LeaderboardReport, freshness: String = "") -> String {
        let level = Int((report.level * 100).rounded())
        var out = "<h1>Leaderboards</h1>\n<section id=\"leaderboard\">\n" + freshness
        out += "<p class=\"muted\">Means over tasks with \(level)% percentile-bootstrap intervals over tasks (\(report.resamples) resamples, seed \(h(report.seed))). Task metrics and ITR ×100; #Tok in thousands.</p>\n"
        if report.boards.isEmpty { out += "<p>No runs in this store yet.</p>\n" }
        for (index, board) in report.boards.enumerated() {
            out += "<section class=\"board\" id=\"board-\(index)\">\n<h2>\(h(board.pack)) <small>(\(h(board.kind.rawValue))) · profile <code>\(h(board.profile.id))</code></small></h2>\n"
            for difference in board.differences { out += "<p class=\"muted\">Not ranked with the first board: \(h(difference))</p>\n" }
            let calibrated = board.rows.contains { $0.judgeCalibration != nil }
            if board.rows.contains(where: { $0.humanRun == true }) {
                out += "<p class=\"muted\">Rows marked <span class=\"human\">human</span> are runs whose user was a real person (a study or an imported reference set), ranked with the simulated runs they match in everything but the user.</p>\n"
            }
            if let figure = board.rows.lazy.compactMap(\.judgeCalibration).first {
                out += "<p class=\"muted\">Judge ρ vs users: Spearman's ρ of the judge's interactivity against real users' own ratings (\(h(figure.ratingMetric)), reference set \(h(figure.set)), calibration run <a href=\"/runs/\(h(BrowseQuery.percentEncoded(figure.calibrationRun)))\">\(h(figure.calibrationRun))</a>).</p>\n"
            }
            out += "<table class=\"board-table\"><thead><tr><th>#</th><th>Agent</th><th>\(h(Metric.named(board.metric).label))</th><th>#Tok (k)</th><th>ITR</th><th>Tasks</th><th>n</th><th>Failed</th><th>Cost</th>\(calibrated ? "<th>Judge ρ vs users [95% CI]</th>" : "")<th>Runs</th></tr></thead><tbody>\n"
            for (rank, row) in board.rows.enumerated() {
                let runs = zip(row.runs, row.runNames).map { id, name in
                    "<a href=\"/runs/\(h(BrowseQuery.percentEncoded(id)))\">\(h(name))</a>"
                }.joined(separator: "<br>")
                let human = row.humanRun == true ? " <span class=\"human\" title=\"\(h(row.user ?? "a real person"))\">human</span>" : ""
                out += "<tr><td>\(rank + 1)</td><td>\(h(row.agent))\(human)</td><td class=\"num\">\(interval(row.taskMetric, row.taskMetricCI, 1))</td>"
                out += "<td class=\"num\">\(interval(row.tokensK, row.tokensKCI, 2))</td><td class=\"num\">\(interval(row.interactivity, row.interactivityCI, 1))</td>"
                out += "<td class=\"num\">\(row.tasks)</td><td class=\"num\">\(row.conversations)</td><td class=\"num\">\(row.failed)</td>"
                out += "<td class=\"num\">\(usd(row.costUSD))</td>"
                if calibrated { out += "<td class=\"num\">\(h(row.judgeCalibration?.summary ?? "—"))</td>" }
                out += "<td>\(runs)</td></tr>\n"
            }
            out += "</tbody></table>\n<div class=\"charts\">\n\(LeaderboardCharts.scatter(board))\(LeaderboardCharts.interactivity(board))</div>\n</section>\n"
        }
        return out + "</section>\n"
    }

    // MARK: - Runs

    static func runList(_ runs: [RunOverview]) -> String {
        var out = "<h1>Runs</h1>\n"
        if runs.isEmpty { return out + "<p id=\"runs\">No runs in this store yet.</p>\n" }
        out += "<table id=\"runs\"><thead><tr><th>Run</th><th>Status</th><th>Pack</th><th>Agent</th><th>User simulator</th><th>Judge</th><th>Conversations</th><th>Failed</th><th>Mean task metric</th><th>Cost</th><th>Sim. format errors</th><th>Judge unreadable</th><th>Created</th></tr></thead><tbody>\n"
        for run in runs {
            out += "<tr class=\"run status-\(h(run.status))\"><td><a href=\"/runs/\(h(BrowseQuery.percentEncoded(run.id)))\">\(h(run.name))</a><br><code class=\"muted\">\(h(run.id))</code></td>"
            out += "<td>\(h(run.status))</td><td>\(h(run.pack)) \(h(run.packVersion))</td><td>\(h(run.agent))</td><td>\(h(run.userSimulator))</td><td>\(h(run.judge))</td>"
            out += "<td class=\"num\">\(run.conversations) / \(run.taskCount)</td><td class=\"num\">\(run.failed)</td>"
            out += "<td class=\"num\">\(h(run.metric)) \(number(run.meanScore, 3))</td><td class=\"num\">\(usd(run.costUSD))</td>"
            out += "<td class=\"num\">\(rate(run.quality.userFormatErrors, run.quality.userMessages))</td><td class=\"num\">\(rate(run.quality.judgeUnreadable, run.quality.judgeCalls))</td>"
            out += "<td>\(h(run.createdAt))</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    // MARK: - Formatting

    static func number(_ value: Double?, _ digits: Int) -> String {
        guard let value else { return "–" }
        return formatted(value, digits)
    }

    static func formatted(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if text.hasSuffix(".0") && digits == 0 { text.removeLast(2) }
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        } else if digits > 0, !text.contains("e") {
            text += "." + String(repeating: "0", count: digits)
        }
        return text
    }

    static func interval(_ value: Double?, _ ci: ConfidenceInterval?, _ digits: Int) -> String {
        guard let value else { return "–" }
        guard let ci else { return formatted(value, digits) }
        return "\(formatted(value, digits)) <span class=\"ci\">[\(formatted(ci.lower, digits)), \(formatted(ci.upper, digits))]</span>"
    }

    static func usd(_ value: Double?) -> String {
        guard let value else { return "–" }
        return "$" + formatted(value, value < 1 ? 4 : 2)
    }

    static func rate(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "–" : formatted(Double(part) / Double(whole) * 100, 1) + "%"
    }
}
