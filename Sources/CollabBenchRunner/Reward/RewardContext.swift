import CollabBenchCore
import CollabBenchMetrics
import CollabBenchScoring
import Foundation

/// One pack's opened run for rewards: the session (models, cache, store, tokenizer) and the
/// runner built on it (engine, judges, extractor, scorer), as `run` wires them.
struct RewardContext: Sendable {
    let session: RunSession
    let runner: BenchmarkRunner

    init(session: RunSession) {
        self.session = session
        self.runner = session.makeRunner()
    }

    var pack: TaskPack { runner.pack }
    var kind: TaskKind { pack.manifest.kind }

    /// Runs and scores one continuation of candidate `candidate` of `item`.
    func sample(plan: RewardPlan, item: RewardItem, task: BenchmarkTask, candidate: Int, sample: Int) async throws -> RewardOutcome {
        let seed = StableHash.derivedSeed(plan.seed, item.id, String(candidate), String(sample))
        var prefix = item.history.map { Turn(role: $0.role, text: $0.content, call: CallRecord(model: "history", rawReply: $0.content)) }
        let text = item.candidates[candidate]
        prefix.append(Turn(role: .assistant, text: text, call: CallRecord(model: "candidate", rawReply: text)))
        let marker = runner.engine.settings.terminationMarker
        let transcript =
            text.contains(marker)
            ? Transcript(turns: prefix, endReason: .agentTerminated)
            : try await runner.engine.run(task: task, kind: kind, seed: seed, continuing: prefix)
        let forward = Array(transcript.turns.dropFirst(item.history.count))
        let exchanges = forward.filter { $0.role == .user }.count
        let metricName = kind.metricName
        func failedSample(_ failure: String) -> RewardOutcome {
            RewardOutcome(
                sample: RewardSample(
                    seed: seed, metricName: metricName, metric: nil, tokens: nil, itr: nil, itrStatus: nil, endedBy: transcript.endReason.rawValue,
                    exchanges: exchanges, reward: nil, missing: [], failed: true, failure: failure),
                transcript: transcript)
        }
        if transcript.endReason == .failed { return failedSample(transcript.failure ?? "a model call failed") }

        var notes: [String] = []
        // R_ext: the task metric of the final artefact of h ∪ m ∪ t, with the run's extractor and scorer.
        let (metric, metricNote, metricFailure) = try await taskMetric(task: task, transcript: transcript, seed: seed)
        if let metricFailure { return failedSample(metricFailure) }
        if let metricNote { notes.append(metricNote) }
        // tokens(t): the assistant messages of the forward part m ∪ t, as #Tok counts them.
        let tokens = runner.scorer.tokenizer.map { $0.count(forward.filter { $0.role == .assistant }.map(\.text).joined(separator: " ")) }
        if tokens == nil { notes.append("tokens: no tokenizer loaded") }
        // R_ITR: the judge reads the whole conversation, the forward part with the history before it.
        let verdict = try await runner.judge.judge(task: task, transcript: transcript, seed: seed)
        if verdict.status == .failed { return failedSample(verdict.detail ?? "the interactivity judge failed") }
        let itr = verdict.status == .scored ? verdict.score : nil
        if itr == nil { notes.append("itr: \(verdict.detail ?? "unscored")") }

        let (reward, missing) = RewardFormula(plan: plan, kind: kind).reward(metric: metric, tokens: tokens, itr: itr)
        return RewardOutcome(
            sample: RewardSample(
                seed: seed, metricName: metricName, metric: metric, tokens: tokens, itr: itr, itrStatus: verdict.status.rawValue,
                endedBy: transcript.endReason.rawValue, exchanges: exchanges, reward: reward, missing: missing, failed: false,
                failure: notes.isEmpty ? nil : notes.joined(separator: "; ")),
            transcript: transcript)
    }

    /// The task metric as `run` scores it (LLM extraction when configured, judged accuracy when
    /// asked and primary): the value (nil: not scored), why it is not, or the failure that fails the sample.
    private func taskMetric(task: BenchmarkTask, transcript: Transcript, seed: Int) async throws -> (Double?, String?, String?) {
        let judging = runner.judging
        var artifact: String?
        if let extractor = judging.extractor, kind != .math {
            let extraction = try await extractor.extract(kind: kind, transcript: transcript, seed: seed)
            switch extraction.status {
            case .scored: artifact = extraction.artifact ?? ""
            case .failed: return (nil, nil, extraction.detail ?? "the extractor failed")
            case .unscored: return (nil, "metric: \(extraction.detail ?? "extraction unreadable")", nil)
            }
        }
        if kind == .math, judging.judgedAccuracyIsPrimary || runner.configuration.judgedAccuracy, let accuracyJudge = judging.accuracyJudge {
            let verdict = try await accuracyJudge.judge(task: task, transcript: transcript, seed: seed)
            switch verdict.status {
            case .scored: return (verdict.score, nil, nil)
            case .failed: return (nil, nil, verdict.detail ?? "the accuracy judge failed")
            case .unscored: return (nil, "metric: \(verdict.detail ?? "accuracy judge unreadable")", nil)
            }
        }
        let entries = await runner.scorer.score(task: task, manifest: pack.manifest, transcript: transcript, artifact: artifact)
        guard let entry = entries.first(where: { $0.metric == kind.metricName }) else { return (nil, "metric: not scored", nil) }
        switch entry.status {
        case .scored: return (entry.value, nil, nil)
        case .failed: return (nil, nil, entry.detail ?? "scoring failed")
        case .skipped, .unscored: return (nil, "metric: \(entry.detail ?? entry.status.rawValue)", nil)
        }
    }
}
