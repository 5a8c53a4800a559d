import CollabBenchCore
import CollabBenchStore
import Foundation

/// Leaderboards as one self-contained HTML page: the boards, charts drawn as inline SVG (task
/// metric against #Tok, ITR per agent, each with its intervals) and a transcript browser with
/// every conversation's messages and scores.
///
/// Everything from models, task files and the store is HTML-escaped, and the page carries a
/// Content-Security-Policy that allows no script at all, so a reply holding `<script>` shows as
/// text and runs nothing. The page has no script of its own: the browser is `<details>` elements.
/// The markup is also well-formed XML (void elements closed with `/>`), so XML tools can read it.
/// Transcripts are streamed from the store one conversation at a time.
public enum HTMLExporter {
    /// Writes `report` and the transcripts of its runs to `out`.
    /// - Throws: ``CollabBenchError`` for store failures.
    public static func write<Out: TextOutputStream>(_ report: LeaderboardReport, store: ResultStore, to out: inout Out) throws {
        writeHead(title: "CollabBench results", to: &out)
        writeBoards(report, to: &out)
        try writeTranscripts(report, store: store, to: &out)
        out.write("</body>\n</html>\n")
    }

    /// The page's head (charset, the content-security policy, the style) and its `<h1>`.
    static func writeHead<Out: TextOutputStream>(title: String, to out: inout Out) {
        let h = HTMLText.escape
        out.write("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8" />
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <meta name="generator" content="CollabBench \(h(CollabBenchVersion.current))" />
            <title>\(h(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <h1>\(h(title))</h1>

            """)
    }

    /// The note on intervals, the table of contents and the boards with their charts.
    static func writeBoards<Out: TextOutputStream>(_ report: LeaderboardReport, to out: inout Out) {
        let h = HTMLText.escape
        let level = Int((report.level * 100).rounded())
        out.write("<p class=\"note\">Means over tasks (each task's trials averaged) with \(level)% percentile-bootstrap intervals over tasks (\(report.resamples) resamples, seed \(h(report.seed))). Task metrics and ITR ×100; #Tok in thousands of cl100k tokens of the agent's messages.</p>\n")
        if report.boards.isEmpty { out.write("<p>No runs in this database yet.</p>\n") }
        out.write("<nav><ul>\n")
        for (i, board) in report.boards.enumerated() {
            out.write("<li><a href=\"#board-\(i)\">\(h(board.pack)) · profile \(h(board.profile.id))</a></li>\n")
        }
        out.write("<li><a href=\"#transcripts\">Transcripts</a></li>\n</ul></nav>\n")
        for (i, board) in report.boards.enumerated() {
            writeBoard(board, index: i, level: level, to: &out)
        }
    }

    // MARK: - Boards

    static func writeBoard<Out: TextOutputStream>(_ board: LeaderboardBoard, index: Int, level: Int, to out: inout Out) {
        let h = HTMLText.escape
        out.write("<section class=\"board\" id=\"board-\(index)\">\n")
        out.write("<h2>\(h(board.pack)) <small>(\(board.kind.rawValue)) · profile <code>\(h(board.profile.id))</code></small></h2>\n")
        out.write("<p class=\"profile\">\(h(board.profile.summary))</p>\n")
        for difference in board.differences {
            out.write("<p class=\"difference\">Not ranked with the first \(h(board.pack)) board: \(h(difference))</p>\n")
        }
        let passK = LeaderboardRenderer.passK(board)
        out.write("<table>\n<thead><tr><th>#</th><th>Agent</th><th>\(h(Metric.named(board.metric).label)) [\(level)% CI]</th><th>#Tok (k) [\(level)% CI]</th><th>ITR [\(level)% CI]</th><th>Tasks</th><th>n</th><th>Failed</th><th>Unscored</th><th>Sim. format errors</th><th>Judge unreadable</th>")
        if let passK { out.write("<th>pass@\(passK)</th><th>pass^\(passK)</th>") }
        out.write("<th>Runs</th></tr></thead>\n<tbody>\n")
        for (rank, row) in board.rows.enumerated() {
            out.write("<tr><td>\(rank + 1)</td><td class=\"agent\">\(h(row.agent))</td>")
            for column in Exporter.columns(row) {
                let ci = column.interval.map { " <span class=\"ci\">[\(Exporter.fixed($0.lower, column.digits)), \(Exporter.fixed($0.upper, column.digits))]</span>" } ?? ""
                out.write("<td class=\"num\">\(Exporter.fixed(column.value, column.digits))\(ci)</td>")
            }
            out.write("<td class=\"num\">\(row.tasks)</td><td class=\"num\">\(row.conversations)</td><td class=\"num\">\(row.failed)</td><td class=\"num\">\(row.unscored)</td>")
            out.write("<td class=\"num\">\(LeaderboardRenderer.percent(row.simulatorFormatErrorRate))</td><td class=\"num\">\(LeaderboardRenderer.percent(row.judgeUnreadableRate))</td>")
            if let passK {
                let estimate = row.passAtK.first { $0.k == passK }
                out.write("<td class=\"num\">\(Exporter.fixed(estimate?.passAtK, 1))</td><td class=\"num\">\(Exporter.fixed(estimate?.passHatK, 1))</td>")
            }
            let runs = zip(row.runs, row.runNames).map { id, name in
                "<a href=\"#run-\(h(anchor(id)))\">\(h(name == id ? id : "\(name) (\(id))"))</a>"
            }.joined(separator: "<br />")
            out.write("<td>\(runs)</td></tr>\n")
        }
        out.write("</tbody>\n</table>\n<div class=\"charts\">\n")
        out.write(SVGChart.scatter(board))
        out.write(SVGChart.interactivity(board))
        out.write("</div>\n<details class=\"profile-details\"><summary>Evaluation profile \(h(board.profile.id))</summary>\n<table class=\"kv\">\n")
        for (label, value) in board.profile.details {
            out.write("<tr><th>\(h(label))</th><td>\(h(value))</td></tr>\n")
        }
        out.write("</table>\n</details>\n</section>\n")
    }

    // MARK: - Transcripts

    static func writeTranscripts<Out: TextOutputStream>(_ report: LeaderboardReport, store: ResultStore, to out: inout Out) throws {
        let h = HTMLText.escape
        out.write("<section id=\"transcripts\">\n<h2>Transcripts</h2>\n")
        for runID in Exporter.runIDs(report) {
            guard let run = try store.run(runID) else { continue }
            let total = try store.conversationCount(runID: runID)
            let metric = run.packKind.metric
            out.write("<details class=\"run\" id=\"run-\(h(anchor(run.id)))\"><summary><strong>\(h(run.name == run.id ? run.id : "\(run.name) (\(run.id))"))</strong> · \(h(AgentIdentity(run: run).label)) · \(h(run.packName)) · \(total) conversations</summary>\n")
            out.write("<p class=\"note\">user \(h(run.userSimulator)) · judge \(h(run.judge)) · seed \(run.seed) · created \(h(run.createdAt)) · status \(h(run.status.rawValue))</p>\n")
            // One conversation at a time, those with messages first (a run is never whole in memory).
            try store.forEachConversationTranscript(runID: runID) { conversation, messages in
                writeConversation(conversation, messages: messages, metric: metric, to: &out)
            }
            out.write("</details>\n")
        }
        out.write("</section>\n")
    }

    static func writeConversation<Out: TextOutputStream>(_ c: StoredConversation, messages: [StoredMessage], metric: Metric, to out: inout Out) {
        let h = HTMLText.escape
        func score(_ name: String, _ label: String, scale: Double, digits: Int) -> String {
            guard let entry = c.scores[name] else { return "" }
            let value = entry.value.map { Exporter.fixed($0 * scale, digits) } ?? entry.status.rawValue
            return " · \(h(label)) \(h(value))"
        }
        out.write("<details class=\"conversation \(c.status == .failed ? "failed" : "")\"><summary><code>\(h(c.taskID))</code> trial \(c.trial) · \(h(c.status.rawValue)) · \(h(c.endReason)) after \(c.exchanges) exchanges")
        out.write(score(metric.name, metric.label, scale: metric.scale.factor, digits: 1))
        out.write(score(Metric.tokensK.name, "#Tok", scale: Metric.tokensK.scale.factor, digits: 3))
        out.write(score(Metric.itr.name, Metric.itr.label, scale: Metric.itr.scale.factor, digits: 0))
        out.write("</summary>\n")
        if let failure = c.failure { out.write("<p class=\"failure\">Failed: \(h(failure))</p>\n") }
        out.write("<div class=\"messages\">\n")
        for m in messages {
            let role = m.role == "user" ? "user" : "assistant"
            var meta = "\(h(m.model))"
            if let tokens = m.tokens { meta += " · \(tokens) tokens" }
            if m.formatError { meta += " · <span class=\"flag\">format error</span>" }
            out.write("<div class=\"msg \(role)\"><div class=\"role\">\(role == "user" ? "Simulated user" : "Agent") <span class=\"meta\">\(meta)</span></div>")
            out.write("<div class=\"text\">\(h(m.text))</div>")
            if let thought = m.thought, !thought.isEmpty { out.write("<div class=\"thought\">thought: \(h(thought))</div>") }
            out.write("</div>\n")
        }
        out.write("</div>\n<table class=\"scores\"><thead><tr><th>Metric</th><th>Value</th><th>Status</th><th>Method</th><th>Detail</th></tr></thead><tbody>\n")
        for name in c.scores.keys.sorted() {
            guard let e = c.scores[name] else { continue }
            out.write("<tr><td>\(h(name))</td><td class=\"num\">\(e.value.map { Exporter.exact($0) } ?? "—")</td><td>\(h(e.status.rawValue))</td><td>\(h(e.method))</td><td class=\"detail\">\(h(e.detail ?? ""))</td></tr>\n")
        }
        out.write("</tbody></table>\n</details>\n")
    }

    /// An id safe for an HTML anchor.
    static func anchor(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { s in
            (s.value < 128 && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-" || s == "_")) ? s : "_"
        }))
    }

    static let style = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1d1d1f;line-height:1.4}
        h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}h2 small{font-weight:normal;color:#555}
        table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
        td.agent{white-space:nowrap}section.board{overflow-x:auto}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.ci{color:#666;font-size:.8em}
        .note,.profile{color:#444;font-size:.9rem}.difference{color:#8a4b00;font-size:.9rem}
        .charts{display:flex;flex-wrap:wrap;gap:1rem}.charts svg{border:1px solid #eee;background:#fff}
        details{margin:.3rem 0}details.run>summary{font-size:1rem;cursor:pointer}details.conversation{margin-left:1rem}
        details.conversation.failed>summary{color:#a00}
        .messages{margin:.5rem 0 .5rem 1rem}.msg{border-left:3px solid #999;padding:.2rem .6rem;margin:.4rem 0}
        .msg.user{border-color:#2a7ab0;background:#f3f8fc}.msg.assistant{border-color:#3a9a4a;background:#f4faf4}
        .role{font-weight:600;font-size:.85rem}.meta{font-weight:normal;color:#666}.flag{color:#a00}
        .text{white-space:pre-wrap;word-break:break-word;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
        .thought{color:#666;font-style:italic;font-size:.8rem;white-space:pre-wrap}
        .failure{color:#a00}.detail{white-space:pre-wrap;max-width:40rem;word-break:break-word}
        table.kv th{font-weight:normal;color:#555}
        """
}
