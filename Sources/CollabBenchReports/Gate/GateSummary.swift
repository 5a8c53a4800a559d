import CollabBenchCore
import Foundation

/// The gate's result as Markdown for a pull-request comment.
public enum GateSummary {
    /// The Markdown text: verdict, runs, one table row per check, notes.
    public static func markdown(_ result: GateResult) -> String {
        let m = MarkdownText.escape
        var out = "## CollabBench gate: \(result.passed ? "✅ passed" : "❌ failed")\n\n"
        for (label, runs) in [("Baseline", result.baseline), ("Candidate", result.candidate)] {
            out += "**\(label):** " + runs.map { "\(m($0.pack)): \(m($0.display)) · \(m($0.agent))" }.joined(separator: "; ") + "  \n"
        }
        let level = Int((result.level * 100).rounded())
        out += "\n| Pack | Metric | Baseline | Candidate | Drop [\(level)% CI] | Allowed | p | Result |\n"
        out += "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n"
        for c in result.checks {
            let metric = Metric.named(c.metric)
            let digits = metric.scale.digits
            func f(_ v: Double?) -> String { LeaderboardRenderer.format(v, digits: digits) }
            let interval = c.interval.map { " [\(f($0.lower)), \(f($0.upper))]" } ?? ""
            out += "| \(m(c.pack)) | \(m(metric.label)) | \(f(c.baselineMean)) | \(f(c.candidateMean)) | "
            out += "\(f(c.drop))\(interval) | \(f(c.maxDrop)) | \(ComparisonRenderer.pValue(c.pValue)) | \(c.passed ? "✅ pass" : "❌ **fail**") |\n"
        }
        let failed = result.checks.filter { !$0.passed }
        if !failed.isEmpty {
            out += "\n**Failed:**\n\n"
            for c in failed { out += "- \(m(c.pack)): \(m(c.message))\n" }
        }
        if !result.notes.isEmpty {
            out += "\n**Notes:**\n\n"
            for note in result.notes { out += "- \(m(note))\n" }
        }
        out += "\nA check fails when the metric dropped by more than allowed and a one-sided paired test over tasks says so at α = \(result.alpha.formatted3) "
        out += "(drop = baseline − candidate; for #Tok, candidate − baseline; tests: \(Array(Set(result.checks.map(\.test))).sorted().map(m).joined(separator: "; "))).\n"
        return out
    }
}
