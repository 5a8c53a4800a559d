import CollabBenchCore
import CollabBenchScoring
import CollabBenchStore
import Foundation

extension BenchmarkRunner {
    /// Runs, scores, judges and stores one conversation (one transaction).
    ///
    /// Scores: the task metric (from the deterministic or the LLM-extracted artefact), #Tok, turns,
    /// ITR (mean of every readable verdict of every judge and repeat; each also stored as
    /// `itr.<judge>.<repeat>`; see ``InteractivityScore``), judged accuracy when asked, and the
    /// simulated user's fidelity (`sim_format_errors`, `sim_early_stop`, `sim_leak`,
    /// `sim_leak_ngram`; see ``SimulatorFidelity/entries(transcript:kind:reference:leakThreshold:)``).
    func runOne(task: BenchmarkTask, runID: String, trial: Int) async throws -> (String, Transcript, [ScoreEntry]) {
        let (seed, transcript, startedAt) = try await converse(task: task, trial: trial)
        return try await judgeAndStore(task: task, runID: runID, trial: trial, seed: seed, transcript: transcript, startedAt: startedAt)
    }

    /// Runs one conversation (the first half of ``runOne(task:runID:trial:)``).
    func converse(task: BenchmarkTask, trial: Int) async throws -> (seed: Int, transcript: Transcript, startedAt: String) {
        let startedAt = Self.timestamp(Date())
        let (seed, transcript) = try await gatedConversation(
            task: task, trial: trial, baseSeed: StableHash.derivedSeed(configuration.seed, task.id, String(trial)))
        return (seed, transcript, startedAt)
    }

    /// Scores, judges and stores a finished conversation (the second half of ``runOne(task:runID:trial:)``).
    func judgeAndStore(
        task: BenchmarkTask, runID: String, trial: Int, seed: Int, transcript: Transcript, startedAt: String
    ) async throws -> (String, Transcript, [ScoreEntry]) {
        let kind = pack.manifest.kind
        var scores: [ScoreEntry] = []
        var verdicts: [JudgeVerdict] = []
        if transcript.endReason != .failed {
            // The final artefact: LLM extraction when configured (documents and code), else deterministic.
            var artifact: String?
            var extractionFailed: ScoreEntry?
            if let extractor = judging.extractor, kind != .math {
                let extraction = try await extractor.extract(kind: kind, transcript: transcript, seed: seed)
                verdicts.append(extraction.verdict)
                if extraction.status == .scored {
                    artifact = extraction.artifact ?? ""
                } else {
                    extractionFailed = ScoreEntry(
                        metric: kind.metricName, value: nil, status: extraction.status == .failed ? .failed : .unscored,
                        method: "extractor:\(extraction.mode.rawValue)", detail: extraction.detail ?? "extraction unreadable")
                }
            }
            scores = await scorer.score(task: task, manifest: pack.manifest, transcript: transcript, artifact: artifact)
            if let extractionFailed, let index = scores.firstIndex(where: { $0.metric == kind.metricName }) {
                scores[index] = extractionFailed
            }
            if kind == .math, let accuracyJudge = judging.accuracyJudge {
                let verdict = try await accuracyJudge.judge(task: task, transcript: transcript, seed: seed)
                verdicts.append(verdict)
                let judged = ScoreEntry(
                    metric: "accuracy_judged", value: verdict.status == .scored ? verdict.score : nil, status: ScoreStatus(verdict.status),
                    method: "judge:\(accuracyJudge.model.spec)", detail: verdict.detail ?? verdict.thought)
                if judging.judgedAccuracyIsPrimary, let index = scores.firstIndex(where: { $0.metric == "accuracy" }) {
                    var symbolic = scores[index]
                    symbolic.metric = "accuracy_symbolic"
                    var primary = judged
                    primary.metric = "accuracy"
                    scores[index] = primary
                    scores.append(symbolic)
                } else {
                    scores.append(judged)
                }
            }
            let (itrScores, itrVerdicts) = try await interactivity(task: task, transcript: transcript, seed: seed)
            scores += itrScores
            verdicts += itrVerdicts
            scores += SimulatorFidelity.entries(
                transcript: transcript, kind: kind, reference: task.reference.text, leakThreshold: judging.leakThreshold)
            scores += elicitationScores(task: task, trial: trial, transcript: transcript)
        }
        let result = ConversationResult(
            runID: runID, taskID: task.id, trial: trial, seed: seed, transcript: transcript,
            turnTokens: scorer.turnTokens(transcript), scores: scores, verdicts: verdicts,
            startedAt: startedAt, finishedAt: Self.timestamp(Date()))
        try await recordPersonaAndGate(task: task, runID: runID, trial: trial, transcript: transcript)
        try await store.commit(result)
        return (task.id, transcript, scores)
    }

    /// Every interactivity judgement of every judge and repeat, and the ITR entries they give
    /// (``InteractivityScore``).
    func interactivity(task: BenchmarkTask, transcript: Transcript, seed: Int) async throws -> ([ScoreEntry], [JudgeVerdict]) {
        let judges = [judge] + judging.additionalInteractivityJudges
        let aggregation = InteractivityScore(judgeMethods: judges.map { "judge:\($0.model.spec)" }, repeats: judging.repeats)
        var verdicts: [[JudgeVerdict]] = []
        for (j, itrJudge) in judges.enumerated() {
            var repeats: [JudgeVerdict] = []
            for r in 0..<judging.repeats {
                let callSeed = r == 0 ? seed : StableHash.derivedSeed(seed, "repeat", String(r))
                let verdict = try await itrJudge.judge(task: task, transcript: transcript, seed: callSeed)
                repeats.append(aggregation.labelled(verdict, judge: j, repetition: r))
            }
            verdicts.append(repeats)
        }
        return (aggregation.entries(verdicts), verdicts.flatMap { $0 })
    }
}
