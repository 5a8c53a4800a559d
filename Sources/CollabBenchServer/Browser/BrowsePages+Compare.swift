import CollabBenchCore
import CollabBenchReports
import CollabBenchStore

extension BrowsePages {
    /// The form choosing two runs (GET `a` and `b`).
    static func compareForm(_ runs: [RunOverview], a: String, b: String) -> String {
        func select(_ name: String, _ chosen: String) -> String {
            var out = "<label>\(name.uppercased()) <select name=\"\(name)\"><option value=\"\">choose a run</option>"
            for run in runs.reversed() {
                out += "<option value=\"\(h(run.id))\"\(run.id == chosen || run.name == chosen ? " selected" : "")>\(h(run.name)) · \(h(run.pack)) · \(h(run.agent))</option>"
            }
            return out + "</select></label>\n"
        }
        return "<h1>Compare two runs</h1>\n<form id=\"compare-form\" method=\"get\" action=\"/compare\">\n\(select("a", a))\(select("b", b))<button type=\"submit\">Compare</button>\n</form>\n"
    }

    /// The `compare` figures: per metric the paired means, difference with its interval and
    /// p-value, and the tasks that flipped or changed.
    static func comparisonBody(_ c: RunComparison) -> String {
        let level = Int((c.level * 100).rounded())
        var out = "<section id=\"comparison\">\n<p>A: <a href=\"/runs/\(h(BrowseQuery.percentEncoded(c.runA.id)))\">\(h(c.runA.display))</a> · \(h(c.runA.agent))<br>"
        out += "B: <a href=\"/runs/\(h(BrowseQuery.percentEncoded(c.runB.id)))\">\(h(c.runB.display))</a> · \(h(c.runB.agent))</p>\n"
        out += "<p>Pack \(h(c.runA.pack)): \(c.sharedTasks) shared tasks\(c.onlyA + c.onlyB > 0 ? " (\(c.onlyA) only in A, \(c.onlyB) only in B, left out)" : "").</p>\n"
        for difference in c.profileDifferences { out += "<p class=\"error\">Not the same evaluation profile: \(h(difference))</p>\n" }
        out += "<table id=\"comparison-metrics\"><thead><tr><th>Metric</th><th>Pairs</th><th>A</th><th>B</th><th>B − A [\(level)% CI]</th><th>p</th><th>Test</th></tr></thead><tbody>\n"
        for m in c.metrics {
            let ci = m.interval.map { " <span class=\"ci\">[\(formatted($0.lower, 3)), \(formatted($0.upper, 3))]</span>" } ?? ""
            out += "<tr><td>\(h(Metric.named(m.metric).label))</td><td class=\"num\">\(m.pairs)</td><td class=\"num\">\(number(m.meanA, 3))</td><td class=\"num\">\(number(m.meanB, 3))</td>"
            out += "<td class=\"num\">\(number(m.difference, 3))\(ci)</td><td class=\"num\">\(h(ComparisonRenderer.pValue(m.pValue)))</td><td>\(h(m.test))</td></tr>\n"
        }
        out += "</tbody></table>\n"
        for m in c.metrics where !m.improved.isEmpty || !m.worsened.isEmpty {
            let label = Metric.named(m.metric).label
            for (changes, count, title, kind) in [
                (m.worsened, m.worsenedCount, m.binary ? "flipped to fail in B" : "worse in B", "worsened"),
                (m.improved, m.improvedCount, m.binary ? "flipped to pass in B" : "better in B", "improved"),
            ] where !changes.isEmpty {
                out += "<h3>\(h(label)): \(title) (\(count)\(count > changes.count ? ", the \(changes.count) largest shown" : ""))</h3>\n<ul class=\"flipped \(kind)\">"
                for change in changes { out += "<li>\(h(change.taskID)) <span class=\"muted\">\(formatted(change.a, 3)) → \(formatted(change.b, 3))</span></li>" }
                out += "</ul>\n"
            }
        }
        return out + "<p class=\"muted\">Intervals: \(level)% paired percentile bootstrap over tasks (\(c.resamples) resamples, seed \(h(c.seed))).</p>\n</section>\n"
    }
}
