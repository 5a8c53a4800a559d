// MARK: - Human-readable summary

extension CodeRunResult {
    /// Lines for a terminal: the status with its explanation, then one line per failed test.
    ///
    /// ```
    /// fail: 1 of 3 tests failed: test_b (AssertionError: 2 != 3) [0.41 s]
    ///   test_b: AssertionError: 2 != 3
    /// skipped: library tensorflow is not installed [0.20 s]
    /// ```
    public func summaryLines() -> [String] {
        let head = "\(status.rawValue): \(detail) [\(Self.seconds(durationSeconds)) s]"
        return [head] + failures.map { "  \($0.test): \($0.message)" }
    }

    private static func seconds(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
