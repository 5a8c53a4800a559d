import CollabBenchCore
import CollabBenchScoring

extension BenchmarkRunner {
    /// The scores and judge verdicts of a finished conversation, simulated or a person's (a
    /// study): the task metric (from the LLM-extracted artefact when the run extracts, else the
    /// deterministic one), #Tok, turns, judged accuracy when asked, and ITR from every judge and
    /// repeat. The simulated user's fidelity and elicitation scores are added by the caller of a
    /// simulated conversation (a study has no simulator).
    func judgedScores(task: BenchmarkTask, transcript: Transcript, seed: Int) async throws -> ([ScoreEntry], [JudgeVerdict]) {
        let kind = pack.manifest.kind
        var verdicts: [JudgeVerdict] = []
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
        var scores = await scorer.score(task: task, manifest: pack.manifest, transcript: transcript, artifact: artifact)
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
        return (scores + itrScores, verdicts + itrVerdicts)
    }
}
