import Foundation

/// The gate's result as JUnit XML, which CI systems show as test results: one test case per pack
/// and metric, failed when the metric dropped significantly by more than allowed.
public enum JUnitReport {
    /// The XML document.
    public static func xml(_ result: GateResult) -> String {
        let failures = result.checks.filter { !$0.passed }.count
        let e = XMLText.escape
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"collabbench gate\" tests=\"\(result.checks.count)\" failures=\"\(failures)\" errors=\"0\">\n"
        out += "  <testsuite name=\"collabbench gate\" tests=\"\(result.checks.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\" time=\"0\">\n"
        out += "    <properties>\n"
        for run in result.baseline {
            out += "      <property name=\"baseline.\(e(run.pack))\" value=\"\(e(run.display)) · \(e(run.agent))\"/>\n"
        }
        for run in result.candidate {
            out += "      <property name=\"candidate.\(e(run.pack))\" value=\"\(e(run.display)) · \(e(run.agent))\"/>\n"
        }
        out += "      <property name=\"alpha\" value=\"\(result.alpha)\"/>\n"
        out += "    </properties>\n"
        for check in result.checks {
            let name = "\(check.metric) drop ≤ \(check.maxDrop.formatted3)"
            out += "    <testcase classname=\"collabbench.gate.\(e(check.pack))\" name=\"\(e(name))\" time=\"0\">\n"
            let detail = details(check)
            if check.passed {
                out += "      <system-out>\(e(check.message))\n\(e(detail))</system-out>\n"
            } else {
                out += "      <failure message=\"\(e(check.message))\" type=\"MetricDrop\">\(e(detail))</failure>\n"
            }
            out += "    </testcase>\n"
        }
        if !result.notes.isEmpty {
            out += "    <system-out>\(e(result.notes.joined(separator: "\n")))</system-out>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    static func details(_ check: GateCheck) -> String {
        let interval = check.interval.map { " [\($0.lower.formatted3), \($0.upper.formatted3)]" } ?? ""
        return """
            pairs: \(check.pairs); baseline mean: \(check.baselineMean.map(\.formatted3) ?? "-"); candidate mean: \(check.candidateMean.map(\.formatted3) ?? "-"); \
            drop: \(check.drop.map(\.formatted3) ?? "-")\(interval); p: \(ComparisonRenderer.pValue(check.pValue)) (\(check.test))
            """
    }
}
