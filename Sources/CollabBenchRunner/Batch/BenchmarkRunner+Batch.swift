import CollabBenchCore
import Foundation

/// What a conversation's task in the runner's group gives back.
enum ConversationStep: Sendable {
    /// Run, judged and stored: the task id, the transcript and the scores.
    case finished(String, Transcript, [ScoreEntry])
    /// Run, not yet judged (batched judging): its slot is free, its judging goes on in a task of its own.
    case ended(EndedConversation)
}

/// A conversation whose judging is still to come.
struct EndedConversation: Sendable {
    var item: BenchmarkRunner.WorkItem
    var seed: Int
    var transcript: Transcript
    var startedAt: String
}

extension BenchmarkRunner {
    /// How many conversations a run in batch mode `mode` runs at once.
    ///
    /// `--batch all` starts up to `maxBatchRequests` (the lines a batch holds, 1,000 by default)
    /// or `concurrency` conversations, whichever is more, so that the coordinator's "submit when
    /// every conversation waits" rule fires once per turn: turn k of all of them goes in one batch
    /// per model. An agent program (a process per conversation) and a budget (checked as
    /// conversations start) keep `concurrency`; so do the other modes.
    /// - Parameters:
    ///   - mode: The run's batch mode.
    ///   - concurrency: `--concurrency`.
    ///   - maxBatchRequests: ``BatchSettings/maxRequests``.
    ///   - agentProgram: The agent is a program (`--agent-cmd`).
    ///   - budget: The run has a budget (`--budget`).
    public static func conversationsAtOnce(
        mode: BatchMode, concurrency: Int, maxBatchRequests: Int, agentProgram: Bool, budget: Bool
    ) -> Int {
        guard mode == .all, !agentProgram, !budget else { return max(1, concurrency) }
        return max(1, concurrency, maxBatchRequests)
    }

    /// Runs one conversation: wholly (direct calls), or up to its end when its calls are batched,
    /// so that the next conversation can start while its judge calls wait for their batch.
    func start(_ item: WorkItem, runID: String) async throws -> ConversationStep {
        guard let batching else {
            let (taskID, transcript, scores) = try await runOne(task: item.task, runID: runID, trial: item.trial)
            return .finished(taskID, transcript, scores)
        }
        do {
            let (seed, transcript, startedAt) = try await converse(task: item.task, trial: item.trial)
            return .ended(EndedConversation(item: item, seed: seed, transcript: transcript, startedAt: startedAt))
        } catch {
            await batching.producerFinished()
            throw error
        }
    }

    /// Judges and stores a conversation that ``start(_:runID:)`` ran up to its end.
    func finish(_ ended: EndedConversation, runID: String) async throws -> ConversationStep {
        do {
            let result = try await judgeAndStore(
                task: ended.item.task, runID: runID, trial: ended.item.trial, seed: ended.seed, transcript: ended.transcript,
                startedAt: ended.startedAt)
            await batching?.producerFinished()
            return .finished(result.0, result.1, result.2)
        } catch {
            await batching?.producerFinished()
            throw error
        }
    }

    /// Runs `body` with the batch service beside it (when calls are batched): the service submits
    /// and polls batches until `body` is done, and is cancelled with it.
    func withBatchService<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard let batching else { return try await body() }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await batching.serve() }
            do {
                let value = try await body()
                batching.finish()
                try await group.waitForAll()
                return value
            } catch {
                batching.finish()
                group.cancelAll()
                throw error
            }
        }
    }
}
