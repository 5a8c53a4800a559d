import CollabBenchCore
import CollabBenchStore

extension BrowsePages {
    /// A run's page: its figures, the filter form, one page of its conversation table (sortable
    /// by clicking a column heading) and the pager.
    static func runPage(_ detail: RunDetail, table: ConversationPage, request: ConversationPageRequest) -> String {
        let run = detail.overview
        let base = "/runs/\(h(BrowseQuery.percentEncoded(run.id)))"
        var out = "<h1>Run \(h(run.name))</h1>\n<table class=\"kv\" id=\"run-figures\">\n"
        let figures: [(String, String)] = [
            ("Id", run.id), ("Status", run.status), ("Pack", "\(run.pack) \(run.packVersion) (\(run.packKind))"),
            ("Agent", "\(run.agent) · preset \(run.agentPreset)"), ("User simulator", run.userSimulator), ("Judge", run.judge),
            ("Seed", String(run.seed)), ("Conversations", "\(run.conversations) of \(run.taskCount) tasks' trials stored, \(run.failed) failed"),
            ("Task metric", "\(run.metric): mean \(number(run.meanScore, 3)) over \(run.scored) scored"),
            ("Cost", usd(run.costUSD) + (run.unpricedCalls > 0 ? " (+ \(run.unpricedCalls) unpriced calls)" : "")),
            ("Simulator format errors", rate(run.quality.userFormatErrors, run.quality.userMessages)),
            ("Judge unreadable", rate(run.quality.judgeUnreadable, run.quality.judgeCalls)),
            ("Created", run.createdAt), ("Finished", run.finishedAt ?? "–"), ("Configuration hash", run.configHash),
        ]
        for (label, value) in figures { out += "<tr><th>\(h(label))</th><td>\(h(value))</td></tr>\n" }
        out += "</table>\n<details><summary>Configuration</summary><pre>\(h(detail.configJSON))</pre></details>\n"
        out += filterForm(request, action: base)
        out += "<p class=\"muted\" id=\"conversation-count\">\(table.total) conversations match; showing \(table.conversations.isEmpty ? 0 : table.offset + 1)–\(table.offset + table.conversations.count). Score: \(h(table.metric)).</p>\n"
        out += "<table id=\"conversations\"><thead><tr>"
        for (label, sort) in [("Id", ConversationSort.id), ("Task", .task), ("Status", .status), ("Exchanges", .exchanges), ("Score", .score), ("Cost", .cost)] {
            let descending = request.sort == sort ? !request.descending : false
            let marker = request.sort == sort ? (request.descending ? " ▼" : " ▲") : ""
            let query = BrowseQuery.queryText(request, offset: 0, sort: sort, descending: descending)
            out += "<th><a class=\"sort\" href=\"\(base)?\(h(query))\">\(h(label))\(marker)</a></th>"
        }
        out += "<th>Trial</th><th>End</th><th>Failure</th><th>Persona</th><th>Gate</th></tr></thead><tbody>\n"
        for c in table.conversations {
            out += "<tr class=\"conversation status-\(h(c.status.rawValue))\" data-id=\"\(c.id)\"><td><a href=\"/conversations/\(c.id)\">\(c.id)</a></td>"
            out += "<td>\(h(c.taskID))</td><td>\(h(c.status.rawValue))</td><td class=\"num\">\(c.exchanges)</td>"
            out += "<td class=\"num score\">\(number(c.score, 3))</td><td class=\"num\">\(usd(c.costUSD))</td><td class=\"num\">\(c.trial)</td>"
            out += "<td>\(h(c.endReason))</td><td>\(h(c.failure ?? ""))</td><td>\(h(c.persona ?? ""))</td><td>\(h(c.gate ?? ""))</td></tr>\n"
        }
        out += "</tbody></table>\n" + pager(request, total: table.total, base: base)
        return out
    }

    /// The filter form (GET, so a filtered page is a link).
    static func filterForm(_ request: ConversationPageRequest, action: String) -> String {
        let f = request.filter
        func option(_ value: String, _ label: String, _ selected: Bool) -> String {
            "<option value=\"\(h(value))\"\(selected ? " selected" : "")>\(h(label))</option>"
        }
        var out = "<form id=\"conversation-filter\" method=\"get\" action=\"\(action)\" class=\"filters\">\n"
        out += "<label>Status <select name=\"status\" class=\"autosubmit\">\(option("", "any", f.status == nil))"
        for status in ConversationStatus.allCases { out += option(status.rawValue, status.rawValue, f.status == status) }
        out += "</select></label>\n"
        out += "<label>Failure <input name=\"failure\" value=\"\(h(f.failure ?? ""))\" placeholder=\"none, any or text\"></label>\n"
        out += "<label>Score ≥ <input name=\"min_score\" size=\"6\" value=\"\(f.minScore.map { String($0) } ?? "")\"></label>\n"
        out += "<label>Score ≤ <input name=\"max_score\" size=\"6\" value=\"\(f.maxScore.map { String($0) } ?? "")\"></label>\n"
        out += "<label>Persona <input name=\"persona\" size=\"10\" value=\"\(h(f.persona ?? ""))\"></label>\n"
        out += "<label>Simulator gate <select name=\"gate\" class=\"autosubmit\">\(option("", "any", f.gateFlagged == nil))\(option("flagged", "flagged", f.gateFlagged == true))\(option("unflagged", "not flagged", f.gateFlagged == false))</select></label>\n"
        out += "<label>Sort <select name=\"sort\" class=\"autosubmit\">"
        for sort in ConversationSort.allCases { out += option(sort.rawValue, sort.rawValue, request.sort == sort) }
        out += "</select></label>\n<label>Order <select name=\"order\" class=\"autosubmit\">\(option("asc", "ascending", !request.descending))\(option("desc", "descending", request.descending))</select></label>\n"
        out += "<label>Rows <input name=\"limit\" size=\"4\" value=\"\(request.limit)\"></label>\n"
        out += "<button type=\"submit\">Apply</button> <a href=\"\(action)\">Reset</a>\n</form>\n"
        return out
    }

    /// Previous / next / first / last links of a table.
    static func pager(_ request: ConversationPageRequest, total: Int, base: String) -> String {
        let limit = request.limit
        let last = total == 0 ? 0 : ((total - 1) / limit) * limit
        let pageNumber = request.offset / limit + 1
        let pages = max(1, (total + limit - 1) / limit)
        func link(_ label: String, _ offset: Int, _ enabled: Bool, _ rel: String) -> String {
            guard enabled else { return "<span class=\"muted\">\(label)</span>" }
            return "<a rel=\"\(rel)\" class=\"page-\(rel)\" href=\"\(base)?\(h(BrowseQuery.queryText(request, offset: offset)))\">\(label)</a>"
        }
        let hasPrevious = request.offset > 0
        let hasNext = request.offset + limit < total
        return "<p id=\"pager\">\(link("« first", 0, hasPrevious, "first")) \(link("‹ previous", max(0, request.offset - limit), hasPrevious, "prev")) page \(pageNumber) of \(pages) \(link("next ›", request.offset + limit, hasNext, "next")) \(link("last »", last, hasNext, "last"))</p>\n"
    }
}
