import CollabBenchCore
import Foundation

/// A ``ChatModel`` whose calls go through a provider's batch API (``BatchCoordinator``), and to
/// `direct` when the batch has no answer for them (expired, errored, failed, or a server without a
/// batch API).
///
/// It sits where the HTTP client sits in a role's chain (under the response cache and the meter),
/// so a batched reply is cached, recorded and read exactly as a direct one; the meter prices it at
/// the batch rate (``ChatCompletion/batched``).
struct BatchingChatModel: ChatModel {
    /// The client that makes direct calls.
    let direct: any ChatModel
    /// Collects the calls into batches.
    let batching: any CallBatching

    var spec: ModelSpec { direct.spec }

    func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        let started = ContinuousClock.now
        switch try await batching.call(request, key: CachedChatModel.key(for: request, spec: spec), spec: spec) {
        case .answered(var completion):
            let waited = ContinuousClock.now - started
            completion.latencySeconds = Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18
            completion.attempts = 1
            return completion
        case .direct:
            return try await direct.complete(request)
        }
    }
}

/// What a batched call got.
public enum BatchedCallOutcome: Sendable {
    /// The batch's reply.
    case answered(ChatCompletion)
    /// No reply from a batch: make the call directly (the reason, for the record).
    case direct(String)
}

/// Collects calls into batches for the run's duration (``BatchCoordinator``).
protocol CallBatching: Sendable {
    /// Waits for `request`'s reply from a batch (or says to call directly).
    func call(_ request: ChatRequest, key: String, spec: ModelSpec) async throws -> BatchedCallOutcome
    /// A conversation has started (it may queue calls until ``producerFinished()``).
    func producerStarted()
    /// A conversation is done, judging and storing included.
    func producerFinished() async
    /// Submits and polls batches until ``finish()``; run it beside the conversations.
    func serve() async throws
    /// No more calls will come: ``serve()`` returns once its batches are done.
    func finish()
    /// What batching did so far.
    func statistics() async -> BatchStatistics
}
