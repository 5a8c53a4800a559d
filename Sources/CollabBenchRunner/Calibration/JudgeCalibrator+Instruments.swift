import CollabBenchCore
import CollabBenchMetrics
import CollabBenchPacks
import CollabBenchScoring
import CollabBenchStore

/// The instrument beside interactivity on each reference set: the document-quality judge on
/// document creation, the correctness of the assistant's last answer on math tutoring.
extension JudgeCalibrator {
    /// The tally of a set's second instrument while its conversations are judged.
    struct SecondInstrument {
        var instrument: JudgeCalibration.Instrument
        var rows: [JudgeCalibration.ConversationScore] = []
        var unscored: [Int]
        var failed: [Int]
        var symbolic = 0
        /// Conversations (task ids) checked symbolically: every judge got the same verdict.
        var symbolicIDs: Set<String> = []
        var missingReferences = 0

        init(instrument: JudgeCalibration.Instrument, judges: Int) {
            self.instrument = instrument
            unscored = [Int](repeating: 0, count: judges)
            failed = [Int](repeating: 0, count: judges)
        }

        /// The statistics over the tallied conversations (or why the instrument did not run).
        func calibration(_ calibrator: JudgeCalibrator, set: HumanReferenceSet, ratingMetric: String)
            -> JudgeCalibration.InstrumentCalibration
        {
            let metric = instrument == .documentQuality ? HumanRating.document.metric : ratingMetric
            if let reason = calibrator.notRunReason(instrument) {
                return .init(instrument: instrument, ratingMetric: metric, judges: [], judgesAlpha: nil, conversations: [], notRun: reason)
            }
            let statistics = calibrator.statistics(rows, set: set, instrument: instrument, unscored: unscored, failed: failed)
            // The judges' agreement is over the conversations they judged: a symbolic check gives
            // every judge the same verdict, which would only push α towards 1.
            let judged = rows.filter { !symbolicIDs.contains($0.id) }
            let alpha = calibrator.judges.count > 1 ? KrippendorffAlpha.interval(judged.map(\.judgeScores))?.alpha : nil
            let math = instrument == .correctness
            return .init(
                instrument: instrument, ratingMetric: metric, judges: statistics, judgesAlpha: alpha, conversations: rows,
                symbolicChecks: math ? symbolic : nil, missingReferences: math ? missingReferences : nil)
        }
    }

    /// What one conversation's second instrument adds to the calibration run, and each judge's
    /// score (the mean of its readable repeats); `scores` is nil when the instrument does not run.
    struct InstrumentOutcome {
        var entries: [ScoreEntry] = []
        var verdicts: [JudgeVerdict] = []
        var scores: [Double?]?
    }

    /// Why `instrument` cannot run with this calibrator's judges and references, or nil.
    func notRunReason(_ instrument: JudgeCalibration.Instrument) -> String? {
        switch instrument {
        case .interactivity: nil
        case .documentQuality: documentJudges.count == judges.count ? nil : "no document-quality judge"
        case .correctness: references == nil ? "no MATH file given (--math): the reference answers are unknown" : nil
        }
    }

    /// Whether `metric` is one a calibration run stores for the second instruments.
    static func isInstrumentMetric(_ metric: String) -> Bool {
        [JudgeCalibration.Instrument.documentQuality, .correctness].contains { metric == $0.metric || metric.hasPrefix($0.metric + ".") }
    }

    /// Runs the set's second instrument on one conversation and counts it in `tally`.
    func secondInstrument(
        set: HumanReferenceSet, task: BenchmarkTask, transcript: Transcript, conversation: ConversationScores,
        into tally: inout SecondInstrument
    ) async throws -> InstrumentOutcome {
        guard notRunReason(tally.instrument) == nil else { return InstrumentOutcome(scores: nil) }
        let instrument = tally.instrument
        let criterion = instrument.metric
        func unscored(_ why: String) -> [[JudgeVerdict]] {
            judges.map { _ in [JudgeVerdict(criterion: criterion, status: .unscored, calls: [], promptHash: "", detail: why)] }
        }
        func callSeed(_ j: Int, _ r: Int) -> Int {
            StableHash.derivedSeed(seed, conversation.taskID, "calibrate", instrument.rawValue, String(j), String(r))
        }
        var verdicts: [[JudgeVerdict]] = []
        var methods = judges.map { "judge:\($0.model.spec)" }
        switch instrument {
        case .interactivity:
            return InstrumentOutcome(scores: nil)
        case .documentQuality:
            let replies = transcript.assistantTexts.filter { $0 != HumanConversation.missingReplyMarker }
            guard let document = ArtifactExtractor.finalDocument(assistantTexts: replies) else {
                verdicts = unscored("no document in the conversation")
                break
            }
            for (j, judge) in documentJudges.enumerated() {
                var row: [JudgeVerdict] = []
                for r in 0..<repeats {
                    row.append(try await judge.judge(document: document, hiddenIntent: task.hiddenIntent, seed: callSeed(j, r)))
                }
                verdicts.append(row)
            }
        case .correctness:
            let problems = references?.problems(inHiddenIntent: task.hiddenIntent) ?? []
            guard !problems.isEmpty else {
                tally.missingReferences += 1
                verdicts = unscored("the conversation's problem is not in the MATH file")
                break
            }
            if let answer = ArtifactExtractor.finalAnswer(assistantTexts: transcript.assistantTexts) {
                // A boxed answer is checked symbolically, once for every judge: no judge call.
                let correct = problems.contains { p in p.answer.map { MathAnswer.equivalent(answer: answer, reference: $0) } ?? false }
                tally.symbolic += 1
                tally.symbolicIDs.insert(conversation.taskID)
                let value: Double = correct ? 1 : 0
                let verdict = JudgeVerdict(
                    criterion: criterion, status: .scored, rawScore: value, score: value, calls: [], promptHash: "",
                    detail: "symbolic: last boxed answer \(answer)")
                verdicts = judges.map { _ in [verdict] }
                methods = judges.map { _ in "symbolic" }
                break
            }
            guard accuracyJudges.count == judges.count else {
                verdicts = unscored("no boxed answer and no accuracy judge")
                break
            }
            let judged = Self.accuracyTask(task, problems: problems)
            for (j, judge) in accuracyJudges.enumerated() {
                var row: [JudgeVerdict] = []
                for r in 0..<repeats {
                    var verdict = try await judge.judge(task: judged, transcript: transcript, seed: callSeed(j, r))
                    verdict.criterion = criterion
                    row.append(verdict)
                }
                verdicts.append(row)
            }
        }
        var scores: [Double?] = []
        for (j, row) in verdicts.enumerated() {
            let readable = row.filter { $0.status == .scored }.compactMap(\.score)
            if readable.isEmpty {
                if !row.isEmpty, row.allSatisfy({ $0.status == .failed }) { tally.failed[j] += 1 } else { tally.unscored[j] += 1 }
                scores.append(nil)
            } else {
                scores.append(readable.reduce(0, +) / Double(readable.count))
            }
        }
        return InstrumentOutcome(
            entries: Self.entries(metric: criterion, verdicts: verdicts, methods: methods),
            verdicts: Self.labelled(verdicts, each: judges.count > 1 || repeats > 1), scores: scores)
    }

    /// The task the accuracy judge grades: the conversation's problem (and the similar one the
    /// student moved on to) and their reference solutions.
    static func accuracyTask(_ task: BenchmarkTask, problems: [JudgeCalibrationReferences.Problem]) -> BenchmarkTask {
        var judged = task
        if problems.count == 1 {
            judged.prompt = problems[0].problem
            judged.reference = TaskReference(text: problems[0].solution)
        } else {
            judged.prompt = problems[0].problem + "\n\nThe student then moved on to a similar problem:\n" + problems[1].problem
            judged.reference = TaskReference(
                text: "Solution of the first problem:\n\(problems[0].solution)\n\nSolution of the similar problem:\n\(problems[1].solution)"
            )
        }
        return judged
    }

    /// `<metric>` (the mean of every readable verdict), then with several judges or repeats
    /// `<metric>.<judge>.<repeat>` for each verdict.
    static func entries(metric: String, verdicts: [[JudgeVerdict]], methods: [String]) -> [ScoreEntry] {
        let all = verdicts.flatMap { $0 }
        let readable = all.filter { $0.status == .scored }.compactMap(\.score)
        let method = Array(Set(methods)).sorted().joined(separator: ",")
        var entries: [ScoreEntry]
        if readable.isEmpty {
            let failed = !all.isEmpty && all.allSatisfy { $0.status == .failed }
            entries = [
                ScoreEntry(
                    metric: metric, value: nil, status: failed ? .failed : .unscored, method: method,
                    detail: all.compactMap(\.detail).first ?? "no readable judge reply")
            ]
        } else {
            entries = [
                ScoreEntry(
                    metric: metric, value: readable.reduce(0, +) / Double(readable.count), status: .scored, method: method,
                    detail: all.count == 1 ? all[0].thought ?? all[0].detail : "\(readable.count) of \(all.count) judgements readable")
            ]
        }
        let each = verdicts.count > 1 || verdicts.contains { $0.count > 1 }
        guard each else { return entries }
        for (j, row) in verdicts.enumerated() {
            for (r, verdict) in row.enumerated() {
                entries.append(
                    ScoreEntry(
                        metric: "\(metric).\(j).\(r)", value: verdict.score, status: ScoreStatus(verdict.status),
                        method: j < methods.count ? methods[j] : "", detail: verdict.detail))
            }
        }
        return entries
    }

    /// The verdicts that made calls, labelled `<criterion>.<judge>.<repeat>` when `each`.
    static func labelled(_ verdicts: [[JudgeVerdict]], each: Bool) -> [JudgeVerdict] {
        verdicts.enumerated().flatMap { j, row in
            row.enumerated().compactMap { r, verdict -> JudgeVerdict? in
                guard !verdict.calls.isEmpty else { return nil }
                var labelled = verdict
                if each { labelled.criterion += ".\(j).\(r)" }
                return labelled
            }
        }
    }
}
