import CollabBenchCore
import CollabBenchStore
import Foundation

/// A run as reports name it.
public struct RunReference: Sendable, Codable, Hashable {
    /// Run id.
    public var id: String
    /// Run name.
    public var name: String
    /// Pack name.
    public var pack: String
    /// The agent as shown (`provider/model [preset]`).
    public var agent: String

    /// The reference of `run`.
    public init(_ run: RunRecord) {
        id = run.id
        name = run.name
        pack = run.packName
        agent = AgentIdentity(run: run).label
    }

    /// `name (id)`, or the id alone when the run has no name of its own.
    public var display: String { name == id ? id : "\(name) (\(id))" }
}

/// One task whose score changed between two runs.
public struct TaskChange: Sendable, Codable, Hashable {
    /// The task.
    public var taskID: String
    /// Its score in run A and in run B (per-task mean of scored trials, reporting units).
    public var a: Double
    public var b: Double
}

/// Run B against run A on one metric, over the tasks both scored.
public struct MetricComparison: Sendable, Codable, Hashable {
    /// Metric name (`accuracy`, `tok_k`, `itr`, …).
    public var metric: String
    /// True when higher is better, false when lower is (`tok_k`), nil when neither.
    public var higherIsBetter: Bool?
    /// True when the metric is 0/1 and every task has one trial in each run (McNemar applies).
    public var binary: Bool
    /// Tasks with a scored value in both runs.
    public var pairs: Int
    /// Means over those tasks (reporting units: ×100 for task metrics and ITR, thousands for #Tok).
    public var meanA: Double?
    public var meanB: Double?
    /// Mean of B − A.
    public var difference: Double?
    /// Paired bootstrap interval of the mean difference (resampling tasks).
    public var interval: ConfidenceInterval?
    /// Two-sided p-value of “no difference”.
    public var pValue: Double
    /// The test that gave it.
    public var test: String
    /// For binary metrics: tasks A passed and B failed, and tasks A failed and B passed.
    public var aOnly: Int?
    public var bOnly: Int?
    /// Tasks that got better in B (for binary metrics: flipped to pass), biggest change first;
    /// for metrics that are not binary, only the first ``ComparisonOptions/changesListed``.
    public var improved: [TaskChange]
    /// Tasks that got worse in B (for binary metrics: flipped to fail), biggest change first.
    public var worsened: [TaskChange]
    /// How many tasks got better and worse in all (the lists may be cut short).
    public var improvedCount: Int
    public var worsenedCount: Int
}

/// Run B against run A.
public struct RunComparison: Sendable, Codable, Hashable {
    /// The runs.
    public var runA: RunReference
    public var runB: RunReference
    /// How the runs' evaluation profiles differ, leaving the task sets aside (empty when
    /// comparable).
    public var profileDifferences: [String]
    /// Tasks with conversations in both runs, only in A, only in B.
    public var sharedTasks: Int
    public var onlyA: Int
    public var onlyB: Int
    /// One comparison per metric: the task metric, #Tok, ITR, then any other metric both runs scored.
    public var metrics: [MetricComparison]
    /// Interval coverage, bootstrap resamples, permutation draws (above the exact limit), seed.
    public var level: Double
    public var resamples: Int
    public var draws: Int
    public var seed: String
}

/// How comparisons are computed.
public struct ComparisonOptions: Sendable, Hashable {
    /// Interval coverage.
    public var level: Double
    /// Bootstrap resamples.
    public var resamples: Int
    /// Random sign assignments of the permutation test above ``PairedPermutationTest/exactLimit`` pairs.
    public var draws: Int
    /// Base seed.
    public var seed: UInt64
    /// Changed tasks listed per direction for metrics that are not binary.
    public var changesListed: Int

    /// Creates options: 95 % intervals, 2,000 resamples, 9,999 draws.
    public init(
        level: Double = 0.95, resamples: Int = Bootstrap.defaultResamples, draws: Int = PairedPermutationTest.defaultDraws,
        seed: UInt64 = StatisticsSeed.defaultBase, changesListed: Int = 5
    ) {
        self.level = level
        self.resamples = resamples
        self.draws = draws
        self.seed = seed
        self.changesListed = changesListed
    }
}

/// Compares two runs task by task.
public enum RunComparer {
    /// Compares run B with run A on the tasks both hold.
    /// - Throws: ``CollabBenchError`` (`.invalidArgument`) when the runs are of different packs,
    ///   and for store failures.
    public static func compare(store: ResultStore, a: RunRecord, b: RunRecord, options: ComparisonOptions = .init()) throws -> RunComparison {
        guard a.packName == b.packName else {
            throw CollabBenchError(
                .invalidArgument,
                "runs \(RunReference(a).display) and \(RunReference(b).display) are of different packs (\(a.packName) vs \(b.packName))")
        }
        let tableA = try store.scoreTable(runID: a.id)
        let tableB = try store.scoreTable(runID: b.id)
        let conversationsA = tableA.conversations
        let conversationsB = tableB.conversations
        let profileA = EvaluationProfile(run: a, taskIDs: conversationsA.map(\.taskID))
        let profileB = EvaluationProfile(run: b, taskIDs: conversationsB.map(\.taskID))
        let tasksA = Set(profileA.taskIDs)
        let tasksB = Set(profileB.taskIDs)
        var names = [a.packKind.metric, .tokensK, .itr].map(\.name)
        names += tableA.scoredMetrics.intersection(tableB.scoredMetrics).subtracting(names).sorted()
        let completedA = conversationsA.filter { $0.status == .completed }
        let completedB = conversationsB.filter { $0.status == .completed }
        let metrics = names.map { name in
            compareMetric(
                Metric.named(name), a: completedA, b: completedB, options: options,
                seed: StatisticsSeed.derive(options.seed, a.id, b.id, name))
        }
        return RunComparison(
            runA: RunReference(a), runB: RunReference(b),
            profileDifferences: profileA.differences(from: profileB).filter { !$0.hasPrefix("tasks differ") },
            sharedTasks: tasksA.intersection(tasksB).count, onlyA: tasksA.subtracting(tasksB).count,
            onlyB: tasksB.subtracting(tasksA).count, metrics: metrics, level: options.level, resamples: options.resamples,
            draws: options.draws, seed: String(options.seed))
    }

    /// Paired per-task values of `metric` (in its reporting units) in two sets of conversations.
    struct Pairs {
        var taskIDs: [String]
        var a: [Double]
        var b: [Double]
        /// True when each paired task has exactly one scored value on each side.
        var singleTrial: Bool

        init(_ metric: Metric, a conversationsA: [ScoredConversation], b conversationsB: [ScoredConversation]) {
            let valuesA = TaskValues(conversationsA, metric: metric)
            let valuesB = TaskValues(conversationsB, metric: metric)
            let byA = valuesA.byTask
            let byB = valuesB.byTask
            taskIDs = valuesA.taskIDs.filter { byB[$0] != nil }
            a = taskIDs.map { byA[$0] ?? 0 }
            b = taskIDs.map { byB[$0] ?? 0 }
            func counts(_ conversations: [ScoredConversation]) -> [String: Int] {
                var counts: [String: Int] = [:]
                for c in conversations where c.scores[metric.name]?.status == .scored && c.scores[metric.name]?.value != nil {
                    counts[c.taskID, default: 0] += 1
                }
                return counts
            }
            let countsA = counts(conversationsA)
            let countsB = counts(conversationsB)
            singleTrial = taskIDs.allSatisfy { countsA[$0] == 1 && countsB[$0] == 1 }
        }
    }

    static func compareMetric(
        _ metric: Metric, a: [ScoredConversation], b: [ScoredConversation], options: ComparisonOptions, seed: UInt64
    ) -> MetricComparison {
        let pairs = Pairs(metric, a: a, b: b)
        let differences = zip(pairs.b, pairs.a).map { $0 - $1 }
        let binary = metric.isBinary && pairs.singleTrial
        var result = MetricComparison(
            metric: metric.name, higherIsBetter: metric.higherIsBetter, binary: binary, pairs: pairs.taskIDs.count,
            meanA: Leaderboard.mean(pairs.a), meanB: Leaderboard.mean(pairs.b), difference: Leaderboard.mean(differences),
            interval: Bootstrap.meanInterval(differences, level: options.level, resamples: options.resamples, seed: seed),
            pValue: 1, test: "none (no paired tasks)", aOnly: nil, bOnly: nil, improved: [], worsened: [], improvedCount: 0,
            worsenedCount: 0)
        guard !differences.isEmpty else { return result }
        var changes = zip(pairs.taskIDs, zip(pairs.a, pairs.b)).map { TaskChange(taskID: $0.0, a: $0.1.0, b: $0.1.1) }
            .filter { $0.a != $0.b }
        changes.sort { abs($0.b - $0.a) != abs($1.b - $1.a) ? abs($0.b - $0.a) > abs($1.b - $1.a) : $0.taskID < $1.taskID }
        let better = metric.higherIsBetter ?? true
        var improved = changes.filter { better ? $0.b > $0.a : $0.b < $0.a }
        var worsened = changes.filter { better ? $0.b < $0.a : $0.b > $0.a }
        result.improvedCount = improved.count
        result.worsenedCount = worsened.count
        if binary {
            let aOnly = zip(pairs.a, pairs.b).filter { $0 > $1 }.count
            let bOnly = zip(pairs.a, pairs.b).filter { $0 < $1 }.count
            result.aOnly = aOnly
            result.bOnly = bOnly
            result.pValue = McNemarTest.exactPValue(b: aOnly, c: bOnly)
            result.test = "McNemar exact (\(aOnly) vs \(bOnly) discordant)"
            improved.sort { $0.taskID < $1.taskID }
            worsened.sort { $0.taskID < $1.taskID }
        } else {
            let test = PairedPermutationTest.test(differences: differences, alternative: .twoSided, draws: options.draws, seed: seed ^ 0x5A5A)
            result.pValue = test.pValue
            result.test = test.exact
                ? "paired permutation, exact (2^\(differences.count) sign flips)"
                : "paired permutation, Monte Carlo (\(options.draws) draws)"
            improved = Array(improved.prefix(options.changesListed))
            worsened = Array(worsened.prefix(options.changesListed))
        }
        result.improved = improved
        result.worsened = worsened
        return result
    }
}
