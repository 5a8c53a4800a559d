import CollabBenchCore
import CollabBenchStore
import Foundation

/// How much one metric may drop before the gate fails: `accuracy=5` allows 5 points (reporting
/// units: ×100 for task metrics and ITR, thousands of tokens for #Tok, where the “drop” is an
/// increase).
public struct GateAllowance: Sendable, Codable, Hashable {
    /// Metric name: `accuracy`, `pass_rate`, `bleu`, `itr`, `tok_k`, or `task` for each pack's
    /// task metric.
    public var metric: String
    /// The largest drop that is allowed (≥ 0).
    public var maxDrop: Double

    /// Creates an allowance.
    public init(metric: String, maxDrop: Double) {
        self.metric = metric
        self.maxDrop = maxDrop
    }

    /// Metric names an allowance may use.
    public static let knownMetrics = ["task"] + gated.map(\.name)

    /// The metrics a gate can check: the task metrics, ITR and #Tok.
    static let gated: [Metric] = [.accuracy, .passRate, .bleu, .itr, .tokensK]

    /// Other names an allowance may give a metric by.
    static let aliases = [
        "tok": Metric.tokensK.name, "tokens": Metric.tokensK.name, "pass": Metric.passRate.name, "acc": Metric.accuracy.name,
        "interactivity": Metric.itr.name,
    ]

    /// Parses `metric=x`.
    /// - Throws: ``CollabBenchError`` (`.invalidArgument`) for anything else.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let value = Double(parts[1]), value.isFinite, value >= 0 else {
            throw CollabBenchError(.invalidArgument, "must be metric=x with x >= 0, e.g. accuracy=5", setting: "maxDrop", value: TerminalText.sanitize(text))
        }
        let metric = Self.aliases[parts[0].lowercased()] ?? parts[0].lowercased()
        guard Self.knownMetrics.contains(metric) else {
            throw CollabBenchError(
                .invalidArgument,
                "unknown metric '\(TerminalText.sanitize(parts[0]))' (known: \(Self.knownMetrics.joined(separator: ", ")))", setting: "maxDrop")
        }
        self.init(metric: metric, maxDrop: value)
    }
}

/// How the gate decides.
public struct GateOptions: Sendable, Hashable {
    /// Allowed drop per metric.
    public var allowances: [GateAllowance]
    /// Significance level of the one-sided tests.
    public var alpha: Double
    /// Interval coverage shown beside each check.
    public var level: Double
    /// Bootstrap resamples.
    public var resamples: Int
    /// Random sign assignments of the permutation test above its exact limit.
    public var draws: Int
    /// Base seed.
    public var seed: UInt64
    /// Gate runs whose evaluation profiles differ (beyond their task sets) instead of refusing.
    public var allowProfileChange: Bool

    /// Creates options.
    public init(
        allowances: [GateAllowance], alpha: Double = 0.05, level: Double = 0.95, resamples: Int = Bootstrap.defaultResamples,
        draws: Int = PairedPermutationTest.defaultDraws, seed: UInt64 = StatisticsSeed.defaultBase, allowProfileChange: Bool = false
    ) {
        self.allowances = allowances
        self.alpha = alpha
        self.level = level
        self.resamples = resamples
        self.draws = draws
        self.seed = seed
        self.allowProfileChange = allowProfileChange
    }
}

/// One check of the gate: one pack and one metric.
public struct GateCheck: Sendable, Codable, Hashable {
    /// Pack.
    public var pack: String
    /// Metric.
    public var metric: String
    /// The allowed drop.
    public var maxDrop: Double
    /// Tasks with a scored value in both runs.
    public var pairs: Int
    /// Means over those tasks (reporting units).
    public var baselineMean: Double?
    public var candidateMean: Double?
    /// How much worse the candidate is (positive = worse; for #Tok, more tokens).
    public var drop: Double?
    /// Bootstrap interval of the drop.
    public var interval: ConfidenceInterval?
    /// One-sided p-value of “the drop is at most the allowance”.
    public var pValue: Double
    /// The test that gave it.
    public var test: String
    /// Whether the check passed.
    public var passed: Bool
    /// One line saying why.
    public var message: String
}

/// The gate's verdict.
public struct GateResult: Sendable, Codable, Hashable {
    /// The runs compared, one per pack.
    public var baseline: [RunReference]
    public var candidate: [RunReference]
    /// The checks, by pack then metric.
    public var checks: [GateCheck]
    /// Things worth knowing that did not fail the gate (profile differences allowed, tasks left out, …).
    public var notes: [String]
    /// Significance level.
    public var alpha: Double
    /// Interval coverage.
    public var level: Double

    /// True when every check passed.
    public var passed: Bool { checks.allSatisfy(\.passed) }
}

/// A gate input that cannot be evaluated (exit status 2 on the command line).
public struct GateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line saying what is wrong.
    public var message: String
    /// The gate setting that is wrong (a ``GateOptions`` field such as `alpha`), if any.
    public var setting: String?
    /// The setting that would let the gate run anyway (such as `allowProfileChange`), if any.
    public var override: String?

    /// Creates an error.
    public init(_ message: String, setting: String? = nil, override: String? = nil) {
        self.message = message
        self.setting = setting
        self.override = override
    }

    /// The library's wording: `setting: message`.
    public var description: String { setting.map { "\($0): \(message)" } ?? message }
}

/// The CI gate: does a candidate run drop significantly, by more than allowed, below a baseline?
///
/// Per pack and metric, d_i is the drop of task i (baseline − candidate; candidate − baseline for
/// #Tok) in reporting units, each task's value being the mean of its scored trials. The check
/// fails when the mean drop exceeds the allowance x *and* a one-sided paired test rejects
/// “mean drop ≤ x” at level α: the sign-flip permutation test of d_i − x (exact up to 30 tasks),
/// which for a 0/1 metric with one trial per task and x = 0 is McNemar's exact one-sided test and
/// is reported as such. A metric with no task scored in both runs fails too: the candidate must
/// show its scores.
public enum Gate {
    /// Evaluates the gate for runs matched by pack.
    /// - Throws: ``GateError`` when runs cannot be matched or compared; ``CollabBenchError`` for
    ///   store failures.
    public static func evaluate(store: ResultStore, baseline: [RunRecord], candidate: [RunRecord], options: GateOptions) throws -> GateResult {
        guard !options.allowances.isEmpty else { throw GateError("no allowed drop given: name at least one metric, e.g. task=0", setting: "maxDrop") }
        guard options.alpha > 0, options.alpha < 1 else { throw GateError("must be between 0 and 1", setting: "alpha") }
        guard !candidate.isEmpty else { throw GateError("no candidate run") }
        guard !baseline.isEmpty else { throw GateError("no baseline run") }
        let baselineByPack = Dictionary(grouping: baseline, by: \.packName)
        let candidateByPack = Dictionary(grouping: candidate, by: \.packName)
        for (pack, runs) in baselineByPack where runs.count > 1 {
            throw GateError("baseline names \(runs.count) runs of pack \(pack); name one")
        }
        for (pack, runs) in candidateByPack where runs.count > 1 {
            throw GateError("candidate names \(runs.count) runs of pack \(pack); name one")
        }
        var notes: [String] = []
        var checks: [GateCheck] = []
        var used = Set<String>()
        for pack in candidateByPack.keys.sorted() {
            guard let cand = candidateByPack[pack]?.first else { continue }
            guard let base = baselineByPack[pack]?.first else {
                throw GateError("no baseline run of pack \(pack) (baseline packs: \(baselineByPack.keys.sorted().joined(separator: ", ")))")
            }
            let conversationsBase = try store.scoreTable(runID: base.id).conversations
            let conversationsCand = try store.scoreTable(runID: cand.id).conversations
            let profileBase = EvaluationProfile(run: base, taskIDs: conversationsBase.map(\.taskID))
            let profileCand = EvaluationProfile(run: cand, taskIDs: conversationsCand.map(\.taskID))
            let differences = profileCand.differences(from: profileBase)
            let settingDifferences = differences.filter { !$0.hasPrefix("tasks differ") }
            if !settingDifferences.isEmpty {
                let text = settingDifferences.joined(separator: "; ")
                guard options.allowProfileChange else {
                    throw GateError("pack \(pack): candidate and baseline were not evaluated alike (\(text))", override: "allowProfileChange")
                }
                notes.append("pack \(pack): evaluation profiles differ (allowed): \(text)")
            }
            let shared = Set(profileBase.taskIDs).intersection(profileCand.taskIDs)
            guard !shared.isEmpty else { throw GateError("pack \(pack): baseline and candidate share no task") }
            if differences.contains(where: { $0.hasPrefix("tasks differ") }) {
                notes.append("pack \(pack): compared on the \(shared.count) tasks both runs hold (baseline \(profileBase.taskIDs.count), candidate \(profileCand.taskIDs.count))")
            }
            let failedBase = conversationsBase.filter { $0.status != .completed }.count
            let failedCand = conversationsCand.filter { $0.status != .completed }.count
            if failedBase + failedCand > 0 {
                notes.append("pack \(pack): failed conversations (not scored): baseline \(failedBase), candidate \(failedCand)")
            }
            let completedBase = conversationsBase.filter { $0.status == .completed && shared.contains($0.taskID) }
            let completedCand = conversationsCand.filter { $0.status == .completed && shared.contains($0.taskID) }
            for allowance in options.allowances {
                let metric = allowance.metric == "task" ? cand.packKind.metric : Metric.named(allowance.metric)
                // Another kind's task metric is not this pack's to check.
                if metric.isTaskMetric && metric != cand.packKind.metric { continue }
                used.insert(allowance.metric)
                checks.append(check(
                    pack: pack, metric: metric, maxDrop: allowance.maxDrop, base: completedBase, cand: completedCand, options: options,
                    seed: StatisticsSeed.derive(options.seed, base.id, cand.id, metric.name)))
            }
        }
        let unused = options.allowances.map(\.metric).filter { !used.contains($0) }
        if !unused.isEmpty {
            throw GateError("names \(unused.joined(separator: ", ")), which no candidate pack reports (packs: \(candidateByPack.keys.sorted().joined(separator: ", ")))", setting: "maxDrop")
        }
        let unmatched = baselineByPack.keys.filter { candidateByPack[$0] == nil }.sorted()
        if !unmatched.isEmpty { notes.append("baseline packs without a candidate run, not checked: \(unmatched.joined(separator: ", "))") }
        return GateResult(
            baseline: baseline.sorted { $0.packName < $1.packName }.map(RunReference.init),
            candidate: candidate.sorted { $0.packName < $1.packName }.map(RunReference.init),
            checks: checks, notes: notes, alpha: options.alpha, level: options.level)
    }

    static func check(
        pack: String, metric: Metric, maxDrop: Double, base: [ScoredConversation], cand: [ScoredConversation], options: GateOptions,
        seed: UInt64
    ) -> GateCheck {
        let pairs = RunComparer.Pairs(metric, a: base, b: cand)
        let lowerIsBetter = metric.direction == .lowerIsBetter
        let drops = zip(pairs.a, pairs.b).map { lowerIsBetter ? $1 - $0 : $0 - $1 }
        var result = GateCheck(
            pack: pack, metric: metric.name, maxDrop: maxDrop, pairs: drops.count, baselineMean: Leaderboard.mean(pairs.a),
            candidateMean: Leaderboard.mean(pairs.b), drop: Leaderboard.mean(drops),
            interval: Bootstrap.meanInterval(drops, level: options.level, resamples: options.resamples, seed: seed),
            pValue: 1, test: "none", passed: false, message: "")
        guard let drop = result.drop else {
            result.message = "no task has a scored \(metric.name) in both runs"
            return result
        }
        if metric.isBinary && pairs.singleTrial && maxDrop == 0 {
            let lost = zip(pairs.a, pairs.b).filter { $0 > $1 }.count
            let gained = zip(pairs.a, pairs.b).filter { $0 < $1 }.count
            result.pValue = McNemarTest.exactPValue(b: lost, c: gained, alternative: .greater)
            result.test = "McNemar exact, one-sided (\(lost) lost, \(gained) gained)"
        } else {
            let test = PairedPermutationTest.test(
                differences: drops.map { $0 - maxDrop }, alternative: .greater, draws: options.draws, seed: seed ^ 0xA5A5)
            result.pValue = test.pValue
            result.test = test.exact
                ? "paired permutation, one-sided, exact (2^\(drops.count))"
                : "paired permutation, one-sided, Monte Carlo (\(options.draws) draws)"
        }
        let significant = drop > maxDrop && result.pValue < options.alpha
        result.passed = !significant
        let unit = metric.scale.differenceUnit
        let change = lowerIsBetter ? "rose" : "dropped"
        let shown = String(format: "%.3g", drop)
        if significant {
            result.message = "\(metric.name) \(change) by \(shown) \(unit), more than the \(maxDrop.formatted3) allowed (p = \(ComparisonRenderer.pValue(result.pValue)) < \(options.alpha.formatted3))"
        } else if drop > maxDrop {
            result.message = "\(metric.name) \(change) by \(shown) \(unit) (allowed \(maxDrop.formatted3)), not significant (p = \(ComparisonRenderer.pValue(result.pValue)))"
        } else {
            result.message = "\(metric.name) \(drop > 0 ? "\(change) by \(shown) \(unit), within the \(maxDrop.formatted3) allowed" : "did not get worse")"
        }
        return result
    }
}

extension Double {
    /// Three significant digits.
    var formatted3: String { String(format: "%.3g", self) }
}
