import CollabBenchCore
import CollabBenchScoring
import CollabBenchStore

extension BenchmarkRunner {
    /// The persona the simulated user of `task`'s conversation `trial` plays (nil without personas).
    func persona(task: BenchmarkTask, trial: Int) -> Persona? {
        personas?.persona(runSeed: configuration.seed, taskID: task.id, trial: trial)
    }

    /// Runs a conversation through the simulator gate: with its persona applied to the simulated
    /// user's hidden intent, and, under ``SimulatorGateMode/rerun``, again with a new seed while
    /// the simulated user breaks the protocol (at most ``SimulatorGate/reruns`` times).
    /// - Returns: The seed of the attempt kept and its transcript.
    func gatedConversation(task: BenchmarkTask, trial: Int, baseSeed: Int) async throws -> (seed: Int, transcript: Transcript) {
        let kind = pack.manifest.kind
        let simulated = persona(task: task, trial: trial)?.applied(to: task) ?? task
        var seed = baseSeed
        var transcript = try await engine.run(task: simulated, kind: kind, seed: seed)
        guard simulatorGate.mode != .off else { return (seed, transcript) }
        var findings = [simulatorGate.reasons(transcript, kind: kind, reference: task.reference.text)]
        while simulatorGate.mode == .rerun, let last = findings.last, !last.isEmpty, findings.count <= simulatorGate.reruns {
            seed = SimulatorGate.rerunSeed(baseSeed, attempt: findings.count)
            transcript = try await engine.run(task: simulated, kind: kind, seed: seed)
            findings.append(simulatorGate.reasons(transcript, kind: kind, reference: task.reference.text))
        }
        await simulatorGate.log.set("\(task.id)#\(trial)", findings)
        return (seed, transcript)
    }

    /// Records the conversation's persona and the gate's verdict (before the conversation itself
    /// is committed, so a stored conversation always has them).
    func recordPersonaAndGate(task: BenchmarkTask, runID: String, trial: Int, transcript: Transcript) async throws {
        if let persona = persona(task: task, trial: trial) {
            try await store.recordPersona(persona, runID: runID, taskID: task.id, trial: trial)
        }
        guard simulatorGate.mode != .off else { return }
        // A conversation run by another path (e.g. batched) is checked here once.
        let findings =
            await simulatorGate.log.take("\(task.id)#\(trial)")
            ?? [simulatorGate.reasons(transcript, kind: pack.manifest.kind, reference: task.reference.text)]
        if let finding = simulatorGate.record(findings: findings) {
            try await store.recordGate(
                GateRecord(outcome: finding.outcome.rawValue, reasons: finding.reasons.map(\.rawValue), attempts: finding.attempts),
                runID: runID, taskID: task.id, trial: trial)
        }
    }
}

extension BenchmarkRunner {
    /// The `elicitation` entry of a conversation whose persona has background answers (which the
    /// agent asked for, which the user volunteered, which never came up; ``ElicitationMeasure``),
    /// or nothing.
    func elicitationScores(task: BenchmarkTask, trial: Int, transcript: Transcript) -> [ScoreEntry] {
        guard let facts = persona(task: task, trial: trial)?.background, !facts.isEmpty else { return [] }
        return [ElicitationMeasure(facts: facts, transcript: transcript).entry]
    }
}
