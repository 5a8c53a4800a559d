import CollabBenchCore
import CollabBenchMetrics
import CollabBenchPacks
import CollabBenchReports
import CollabBenchScoring
import CollabBenchStore
import Foundation

/// Judges every human conversation of a store with one or more interactivity judges and holds
/// their scores against the users' own ratings; on document creation also a document-quality
/// judge (against the users' document rating), on math tutoring the correctness of the
/// assistant's last answer (against the students' overall rating).
///
/// Each human run (``HumanRunLayout``) is copied into a new *calibration run*: the same
/// conversations and human ratings, plus the judges' `itr` scores (and `itr.<judge>.<repeat>`
/// with several judges or repeats, as a run stores them) and every judge call. It is an ordinary
/// run, so the leaderboard shows it (marked `[human]`) with its judges' agreement. Unreadable
/// replies leave a conversation unscored; it is counted and left out of the statistics, never 0.
/// The other instruments are stored beside `itr` as `document_quality` / `correctness` (each
/// judge and repeat also as `<metric>.<judge>.<repeat>` with several), with their judge calls.
///
/// Correctness: the assistant's last `\boxed{}` answer (newest message first) is checked
/// symbolically against the MATH reference answer of the conversation's problem (or of the
/// similar problem the student moved on to); when the assistant boxed nothing, as tutors mostly
/// do, each judge's accuracy prompt (`judge.accuracy`, the paper's judged accuracy) grades its
/// last answer against the reference solution(s).
public struct JudgeCalibrator: Sendable {
    /// The store holding the human runs; the calibration runs are written to it.
    public var store: ResultStore
    /// The judges, primary first.
    public var judges: [InteractivityJudge]
    /// Judgements per conversation and judge.
    public var repeats: Int
    /// Seed of the judge calls and of the bootstrap.
    public var seed: Int
    /// Bootstrap resamples per interval.
    public var resamples: Int
    /// Only the first N conversations of each set (nil: all), e.g. for a quick check on a slow model.
    public var limit: Int?
    /// The document-quality judges, one per interactivity judge (none: the instrument is not run).
    public var documentJudges: [DocumentQualityJudge]
    /// The accuracy judges, one per interactivity judge, for answers that cannot be checked
    /// symbolically (none: those conversations are unscored).
    public var accuracyJudges: [AccuracyJudge]
    /// The MATH reference solutions (nil: correctness is not checked).
    public var references: JudgeCalibrationReferences?

    /// Creates a calibrator.
    public init(
        store: ResultStore, judges: [InteractivityJudge], repeats: Int = 1, seed: Int = 0, resamples: Int = Bootstrap.defaultResamples,
        limit: Int? = nil, documentJudges: [DocumentQualityJudge] = [], accuracyJudges: [AccuracyJudge] = [],
        references: JudgeCalibrationReferences? = nil
    ) {
        self.limit = limit
        self.documentJudges = documentJudges
        self.accuracyJudges = accuracyJudges
        self.references = references
        self.store = store
        self.judges = judges
        self.repeats = max(1, repeats)
        self.seed = seed
        self.resamples = resamples
    }

    /// The human runs of the store (imported, not calibration runs), oldest first.
    public func humanRuns() throws -> [RunRecord] {
        try store.runs().filter { HumanRunLayout.isHuman($0) && $0.judge == HumanRunLayout.selfRating.description }
    }

    /// Calibrates every human run.
    /// - Throws: ``CollabBenchError`` when the store has no human run, or for store failures and
    ///   broken prompt templates.
    public func calibrate() async throws -> JudgeCalibration {
        let runs = try humanRuns()
        guard !runs.isEmpty else {
            throw CollabBenchError(.invalidArgument, "no human runs in \(store.path): import them first with `collabbench humans import`")
        }
        var sets: [JudgeCalibration.SetCalibration] = []
        for run in runs { sets.append(try await calibrate(run)) }
        return JudgeCalibration(sets: sets)
    }

    func calibrate(_ source: RunRecord) async throws -> JudgeCalibration.SetCalibration {
        let set = HumanReferenceSet.allCases.first { $0.runName == source.name || $0.kind == source.packKind } ?? .documentCreation
        let ratingMetric = set.interactionRatingMetric
        let methods = judges.map { "judge:\($0.model.spec)" }
        let aggregation = InteractivityScore(judgeMethods: methods, repeats: repeats)
        var config = try JSONDecoder().decode(RunConfiguration.self, from: Data(source.configJSON.utf8))
        config.judge = judges[0].model.spec
        config.additionalJudges = judges.dropFirst().map(\.model.spec)
        config.judgeRepeats = repeats
        config.judgeSampling = judges[0].sampling
        config.judgeMaxAttempts = judges[0].maxAttempts
        config.judgeStructuredOutput = judges[0].structuredOutput
        config.itrScale = judges[0].scale
        config.seed = seed
        config.limit = limit
        config.name = "\(source.name) judged by \(judges.map { $0.model.spec.description }.joined(separator: ", "))"
        var templateNames = Set(judges.map(\.scale.templateName))
        if set == .documentCreation, !documentJudges.isEmpty { templateNames.insert(DocumentQualityJudge.templateName) }
        if set == .mathTutoring, references != nil, !accuracyJudges.isEmpty { templateNames.insert(AccuracyJudge.templateName) }
        let judgePrompts = templateNames.sorted().compactMap { try? judges[0].prompts.template($0) }
        for template in judgePrompts { config.promptHashes[template.name] = template.hash }
        let now = Date()
        let runID = BenchmarkRunner.newRunID(at: now)
        let intents = try store.runPrompts(runID: source.id)
        let record = RunRecord(
            id: runID, name: config.name ?? runID, createdAt: BenchmarkRunner.timestamp(now), status: .running,
            packName: source.packName, packVersion: source.packVersion, packKind: source.packKind, packHash: source.packHash,
            agent: source.agent, agentPreset: source.agentPreset, userSimulator: source.userSimulator, judge: config.judge.description,
            seed: seed, taskCount: min(source.taskCount, limit ?? source.taskCount), configJSON: try config.json(),
            collabbenchVersion: CollabBenchVersion.current, configHash: try config.identityHash())
        let intentTexts = intents.sorted { $0.key < $1.key }.map { PromptTemplate(name: $0.key, text: $0.value) }
        try store.createRun(record, prompts: judgePrompts + intentTexts)
        var rows: [JudgeCalibration.ConversationScore] = []
        var unscored = [Int](repeating: 0, count: judges.count)
        var failed = [Int](repeating: 0, count: judges.count)
        var second = SecondInstrument(instrument: set == .documentCreation ? .documentQuality : .correctness, judges: judges.count)
        let conversations = try store.conversationScores(runID: source.id)
        for conversation in conversations.prefix(limit ?? conversations.count) {
            let transcript = try store.transcript(conversationID: conversation.conversationID)
            let task = BenchmarkTask(
                id: conversation.taskID, prompt: transcript.userTexts.first ?? "",
                hiddenIntent: intents[HumanRunLayout.intentName(conversation.taskID)] ?? "", reference: TaskReference(text: ""))
            var verdicts: [[JudgeVerdict]] = []
            var perJudge: [Double?] = []
            for (j, judge) in judges.enumerated() {
                var row: [JudgeVerdict] = []
                for r in 0..<repeats {
                    let callSeed = StableHash.derivedSeed(seed, conversation.taskID, "calibrate", String(j), String(r))
                    row.append(
                        aggregation.labelled(
                            try await judge.judge(task: task, transcript: transcript, seed: callSeed), judge: j, repetition: r))
                }
                let readable = row.filter { $0.status == .scored }.compactMap(\.score)
                if readable.isEmpty {
                    if row.allSatisfy({ $0.status == .failed }) { failed[j] += 1 } else { unscored[j] += 1 }
                    perJudge.append(nil)
                } else {
                    perJudge.append(readable.reduce(0, +) / Double(readable.count))
                }
                verdicts.append(row)
            }
            let recorded = transcript.turns.first { $0.role == .assistant }.map { Self.recordedModel($0.call.model) }
            let extra = try await secondInstrument(set: set, task: task, transcript: transcript, conversation: conversation, into: &second)
            try store.copyConversation(
                conversation.conversationID, toRun: runID,
                dropping: { $0 == "itr" || $0.hasPrefix("itr.") || Self.isInstrumentMetric($0) },
                adding: aggregation.entries(verdicts) + extra.entries, verdicts: verdicts.flatMap { $0 } + extra.verdicts)
            let rating = conversation.scores[ratingMetric]
            rows.append(
                JudgeCalibration.ConversationScore(
                    id: conversation.taskID, model: recorded, userRating: rating?.status == .scored ? rating?.value : nil,
                    judgeScores: perJudge))
            if let scores = extra.scores {
                let secondRating = conversation.scores[second.instrument == .documentQuality ? HumanRating.document.metric : ratingMetric]
                second.rows.append(
                    JudgeCalibration.ConversationScore(
                        id: conversation.taskID, model: recorded, userRating: secondRating?.status == .scored ? secondRating?.value : nil,
                        judgeScores: scores))
            }
        }
        let statistics = self.statistics(rows, set: set, instrument: .interactivity, unscored: unscored, failed: failed)
        let alpha = judges.count > 1 ? KrippendorffAlpha.interval(rows.map(\.judgeScores))?.alpha : nil
        var instruments = [
            JudgeCalibration.InstrumentCalibration(
                instrument: .interactivity, ratingMetric: ratingMetric, judges: statistics, judgesAlpha: alpha, conversations: rows)
        ]
        instruments.append(second.calibration(self, set: set, ratingMetric: ratingMetric))
        let result = JudgeCalibration.SetCalibration(
            set: set, humanRun: source.name, calibrationRun: runID, ratingMetric: ratingMetric, judges: statistics, judgesAlpha: alpha,
            conversations: rows, instruments: instruments)
        // The statistics stay with the calibration run (and so with the judges' profile) as a recorded text.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try store.addRunPrompts(
            runID: runID, [PromptTemplate(name: Self.statisticsName, text: String(decoding: try encoder.encode(result), as: UTF8.self))])
        try store.finishRun(id: runID, status: .completed, at: BenchmarkRunner.timestamp(Date()))
        return result
    }

    /// Each judge's n, unscored and failed counts and the three coefficients (with bootstrap
    /// intervals) of `rows` against the users' ratings.
    func statistics(
        _ rows: [JudgeCalibration.ConversationScore], set: HumanReferenceSet, instrument: JudgeCalibration.Instrument, unscored: [Int],
        failed: [Int]
    ) -> [JudgeCalibration.JudgeStatistics] {
        judges.enumerated().map { j, judge in
            let pairs = rows.compactMap { row -> (Double, Double)? in
                guard let user = row.userRating, let score = row.judgeScores[j] else { return nil }
                return (user, score)
            }
            let x = pairs.map(\.0)
            let y = pairs.map(\.1)
            func estimate(_ method: Correlation.Method) -> CorrelationEstimate {
                // The interactivity seeds are those of the first calibrations; other instruments add their name.
                let named = instrument == .interactivity ? [] : [instrument.rawValue]
                let parts = [set.rawValue, judge.model.spec.description, method.rawValue] + named
                let bootstrapSeed = StatisticsSeed.derive(StatisticsSeed.defaultBase &+ UInt64(bitPattern: Int64(seed)), parts: parts)
                return CorrelationEstimate.estimate(x, y, method: method, resamples: resamples, seed: bootstrapSeed)
            }
            return JudgeCalibration.JudgeStatistics(
                judge: judge.model.spec.description, n: pairs.count, unscored: unscored[j], failed: failed[j],
                spearman: estimate(.spearman), kendall: estimate(.kendall), pearson: estimate(.pearson))
        }
    }

    /// The name of the text holding a calibration run's statistics (``JudgeCalibration/SetCalibration`` as JSON).
    public static let statisticsName = "calibration/judge"

    static func recordedModel(_ stored: String) -> String {
        stored.hasPrefix("recorded/") ? String(stored.dropFirst("recorded/".count)) : stored
    }
}
