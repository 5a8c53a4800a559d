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
            (scores, verdicts) = try await judgedScores(task: task, transcript: transcript, seed: seed)
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
