import CollabBenchCore
import CollabBenchMetrics
import CollabBenchScoring
import CollabBenchStore
import Foundation

extension BenchmarkRunner {
    /// Runs, scores, judges and stores one conversation (one transaction).
    ///
    /// Scores: the task metric (from the deterministic or the LLM-extracted artefact), #Tok, turns,
    /// ITR (mean of every readable verdict of every judge and repeat; each also stored as
    /// `itr.<judge>.<repeat>`), judged accuracy when asked, and the simulated user's fidelity:
    /// `sim_format_errors` (share of its replies that were not the requested JSON), `sim_early_stop`
    /// (it ended the chat before any answer), `sim_leak` (longest run of the reference it copied, as a
    /// share of the reference) and `sim_leak_ngram` (share of the reference's word 8-grams it used).
    func runOne(task: BenchmarkTask, runID: String, trial: Int) async throws -> (String, Transcript, [ScoreEntry]) {
        let startedAt = Self.timestamp(Date())
        let seed = StableHash.derivedSeed(configuration.seed, task.id, String(trial))
        let kind = pack.manifest.kind
        let transcript = try await engine.run(task: task, kind: kind, seed: seed)
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
                    metric: "accuracy_judged", value: verdict.status == .scored ? verdict.score : nil, status: Self.status(verdict.status),
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
            scores += fidelity(task: task, transcript: transcript)
        }
        let result = ConversationResult(
            runID: runID, taskID: task.id, trial: trial, seed: seed, transcript: transcript,
            turnTokens: scorer.turnTokens(transcript), scores: scores, verdicts: verdicts,
            startedAt: startedAt, finishedAt: Self.timestamp(Date()))
        try await store.commit(result)
        return (task.id, transcript, scores)
    }

    /// Every interactivity judgement, and `itr` as their mean.
    func interactivity(task: BenchmarkTask, transcript: Transcript, seed: Int) async throws -> ([ScoreEntry], [JudgeVerdict]) {
        let judges = [judge] + judging.additionalInteractivityJudges
        var verdicts: [JudgeVerdict] = []
        var entries: [ScoreEntry] = []
        for (j, itrJudge) in judges.enumerated() {
            for r in 0..<judging.repeats {
                let callSeed = r == 0 ? seed : StableHash.derivedSeed(seed, "repeat", String(r))
                var verdict = try await itrJudge.judge(task: task, transcript: transcript, seed: callSeed)
                if judges.count > 1 || judging.repeats > 1 { verdict.criterion += ".\(j).\(r)" }
                verdicts.append(verdict)
                if judges.count > 1 || judging.repeats > 1 {
                    entries.append(ScoreEntry(
                        metric: "itr.\(j).\(r)", value: verdict.score, status: Self.status(verdict.status),
                        method: "judge:\(itrJudge.model.spec)", detail: verdict.detail))
                }
            }
        }
        let readable = verdicts.filter { $0.status == .scored }.compactMap(\.score)
        let method = judges.map { "judge:\($0.model.spec)" }.joined(separator: ",")
        let itr: ScoreEntry
        if readable.isEmpty {
            let failed = verdicts.allSatisfy { $0.status == .failed }
            itr = ScoreEntry(
                metric: "itr", value: nil, status: failed ? .failed : .unscored, method: method,
                detail: verdicts.compactMap(\.detail).first ?? "no readable judge reply")
        } else {
            itr = ScoreEntry(
                metric: "itr", value: readable.reduce(0, +) / Double(readable.count), status: .scored, method: method,
                detail: verdicts.count == 1 ? verdicts[0].thought : "\(readable.count) of \(verdicts.count) judgements readable")
        }
        return ([itr] + entries, verdicts)
    }

    /// The simulated user's fidelity figures for one conversation.
    func fidelity(task: BenchmarkTask, transcript: Transcript) -> [ScoreEntry] {
        let userTurns = transcript.turns.filter { $0.role == .user }
        let formatErrors = userTurns.isEmpty ? 0 : Double(userTurns.filter(\.call.formatError).count) / Double(userTurns.count)
        let early = SimulatorFidelity.isEarlyStop(transcript, kind: pack.manifest.kind)
        let leak = LeakMeasure.measure(userMessages: transcript.userTexts, reference: task.reference.text)
        return [
            ScoreEntry(metric: "sim_format_errors", value: formatErrors, status: .scored, method: "json"),
            ScoreEntry(metric: "sim_early_stop", value: early ? 1 : 0, status: .scored, method: "rule"),
            ScoreEntry(
                metric: "sim_leak", value: leak.lcsFraction, status: .scored, method: "lcs",
                detail: leak.flagged(threshold: judging.leakThreshold) ? "flagged: copied \(leak.longestCommonSubstringChars) characters of the reference" : nil),
            ScoreEntry(metric: "sim_leak_ngram", value: leak.ngramOverlap, status: .scored, method: "word-8-gram"),
        ]
    }

    public static func status(_ status: JudgeStatus) -> ScoreStatus {
        switch status {
        case .scored: .scored
        case .unscored: .unscored
        case .failed: .failed
        }
    }
}
