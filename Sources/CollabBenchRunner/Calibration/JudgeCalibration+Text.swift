import CollabBenchPacks
import CollabBenchReports
import Foundation

extension JudgeCalibration {
    /// The calibration as text for people: per set and instrument (interactivity, then document
    /// quality or correctness), the rating it is held against, and per judge n, the unscored and
    /// failed counts and the three coefficients with their intervals; the judges' α when several
    /// judged.
    public func renderedText() -> String {
        var lines: [String] = []
        for set in sets {
            lines.append(
                "\(set.set.rawValue): \(set.conversations.count) conversations (human run \(set.humanRun), judged into run \(set.calibrationRun))"
            )
            let instruments =
                set.instruments.isEmpty
                ? [
                    InstrumentCalibration(
                        instrument: .interactivity, ratingMetric: set.ratingMetric, judges: set.judges, judgesAlpha: set.judgesAlpha,
                        conversations: set.conversations)
                ] : set.instruments
            for instrument in instruments {
                if let reason = instrument.notRun {
                    lines.append("  \(instrument.instrument.rawValue): not run (\(reason))")
                    continue
                }
                var heading = "  \(instrument.instrument.rawValue) against \(instrument.ratingMetric)"
                if let symbolic = instrument.symbolicChecks {
                    let missing = instrument.missingReferences ?? 0
                    heading += " (\(symbolic) checked symbolically, \(instrument.conversations.count - symbolic - missing) judged"
                    heading += missing > 0 ? ", \(missing) without a MATH reference)" : ")"
                }
                if instrument.instrument == .correctness { heading += "; Pearson r on 0/1 is the point-biserial r" }
                lines.append(heading)
                for judge in instrument.judges {
                    lines.append("    judge \(judge.judge): n \(judge.n), unscored \(judge.unscored), failed \(judge.failed)")
                    for (label, estimate) in [
                        ("Spearman rho", judge.spearman), ("Kendall tau-b", judge.kendall), ("Pearson r", judge.pearson),
                    ] {
                        lines.append("      \(label.padding(toLength: 13, withPad: " ", startingAt: 0)) \(Self.format(estimate))")
                    }
                }
                if instrument.judges.count > 1 {
                    lines.append(
                        "    judges' agreement (Krippendorff alpha, interval): \(instrument.judgesAlpha.map { String(format: "%.3f", $0) } ?? "undefined")"
                    )
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ estimate: CorrelationEstimate) -> String {
        guard let value = estimate.value else { return "undefined (n \(estimate.n))" }
        let interval = estimate.interval.map { String(format: " [%.3f, %.3f]", $0.lower, $0.upper) } ?? " [no interval]"
        return String(format: "%+.3f", value) + interval
    }
}
