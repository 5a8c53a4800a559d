import CollabBenchCore
import CollabBenchStore
import Foundation

/// How well a row's judge agrees with real users: the Spearman ρ of its interactivity scores
/// against the users' own ratings, from the newest `calibrate judge` of the same judge (model,
/// rubric and prompt) on the reference set of the row's task kind.
public struct JudgeCalibrationFigure: Sendable, Codable, Hashable {
    /// The reference set (`document-creation`, `math-tutoring`).
    public var set: String
    /// The instrument the figure is about (`interactivity`: the leaderboard's ITR).
    public var instrument: String
    /// The users' rating it was held against (`human.interaction_rating`, …).
    public var ratingMetric: String
    /// The calibrated judge's spec as given to `calibrate judge`.
    public var judge: String
    /// Conversations with a readable score.
    public var n: Int
    /// Spearman's ρ with its 95 % bootstrap interval.
    public var spearman: CorrelationEstimate
    /// The calibration run holding the judge's scores.
    public var calibrationRun: String

    /// The task kind of `set`, or nil for a set this version does not know.
    var kind: TaskKind? {
        switch set {
        case "document-creation": .docs
        case "math-tutoring": .math
        default: nil
        }
    }

    /// `+0.312 [0.050, 0.551] n 51`, or `undefined (n 3)`.
    public var summary: String {
        guard let value = spearman.value else { return "undefined (n \(n))" }
        let interval = spearman.interval.map { String(format: " [%.2f, %.2f]", $0.lower, $0.upper) } ?? ""
        return String(format: "%+.2f", value) + interval + " n \(n)"
    }
}

/// The judge calibrations stored in a store, by judge and task kind.
struct JudgeCalibrations {
    /// The name of the text a calibration run keeps its statistics in.
    static let statisticsName = "calibration/judge"

    /// `judgeCalibrationKey` → kind → the newest figure.
    private(set) var figures: [String: [TaskKind: JudgeCalibrationFigure]] = [:]

    /// The stored statistics, as much as the leaderboard needs.
    private struct Stored: Decodable {
        var set: String
        var calibrationRun: String
        var ratingMetric: String
        var judges: [Judge]
        struct Judge: Decodable {
            var judge: String
            var n: Int
            var spearman: CorrelationEstimate
        }
    }

    /// Whether `run` may be a calibration run: a human run judged by a model.
    static func mayBeCalibration(_ run: RunRecord) -> Bool {
        EvaluationProfile.isHumanUser(run.userSimulator) && !EvaluationProfile.isHumanUser(run.judge)
    }

    /// Adds the calibration `run` holds, if any (runs come oldest first, so newer ones win).
    mutating func add(_ run: RunRecord, profile: EvaluationProfile, store: ResultStore) throws {
        guard Self.mayBeCalibration(run), let text = try store.runPrompts(runID: run.id)[Self.statisticsName],
            let stored = try? JSONDecoder().decode(Stored.self, from: Data(text.utf8))
        else { return }
        for judge in stored.judges {
            let figure = JudgeCalibrationFigure(
                set: stored.set, instrument: "interactivity", ratingMetric: stored.ratingMetric, judge: judge.judge, n: judge.n,
                spearman: judge.spearman, calibrationRun: stored.calibrationRun)
            guard let kind = figure.kind else { continue }
            figures[profile.judgeCalibrationKey(judge: judge.judge), default: [:]][kind] = figure
        }
    }

    /// The figure for a board of `profile`, if its judge has been calibrated on its kind.
    func figure(for profile: EvaluationProfile) -> JudgeCalibrationFigure? {
        figures[profile.judgeCalibrationKey()]?[profile.packKind]
    }
}

extension LeaderboardRow {
    /// The row with its judge's calibration; unchanged when there is none.
    func withJudgeCalibration(_ figure: JudgeCalibrationFigure?) -> LeaderboardRow {
        guard let figure else { return self }
        var row = self
        row.judgeCalibration = figure
        return row
    }
}
