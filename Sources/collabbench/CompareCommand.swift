import ArgumentParser
import CollabBenchReports
import CollabBenchStore
import Foundation

/// `collabbench compare`: run B against run A, task by task.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two runs on the tasks both hold: paired differences, intervals, p-values, flipped tasks.",
        discussion: """
            Per metric: the mean of B − A over shared tasks (each task's trials averaged) with a \
            paired bootstrap interval, and a two-sided p-value: McNemar's exact test for 0/1 \
            metrics with one trial per task, else the paired permutation test (exact up to 30 \
            tasks, else Monte Carlo with a fixed seed). Runs are named by id, name or tag.
            """)

    @Option(help: "The results database.")
    var db: String = "Results/collabbench.sqlite"

    @Argument(help: "Run A (id, name or tag).")
    var runA: String

    @Argument(help: "Run B (id, name or tag).")
    var runB: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "Random sign assignments of the permutation test above 30 tasks.")
    var draws: Int = PairedPermutationTest.defaultDraws

    @OptionGroup var statistics: StatisticsOptions

    func validate() throws {
        guard draws >= 1 else { throw ValidationError("--draws must be at least 1") }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try ReportStore.open(db)
            let a = try ReportStore.run(runA, in: store, role: "run A")
            let b = try ReportStore.run(runB, in: store, role: "run B")
            let options = ComparisonOptions(level: statistics.level, resamples: statistics.resamples, draws: draws, seed: statistics.statsSeed)
            let comparison = try RunComparer.compare(store: store, a: a, b: b, options: options)
            print(json ? try ComparisonRenderer.json(comparison) : ComparisonRenderer.text(comparison), terminator: "")
        }
    }
}
