import CollabBenchCore
import CollabBenchModels
import CollabBenchStore
import Foundation
import Synchronization

/// Collects a run's batchable calls into provider batches, submits them, polls them with backoff
/// and hands each reply to the call that waits for it.
///
/// A call waits in a queue per model until ``BatchSettings`` says its batch goes (enough lines, the
/// oldest waited long enough, or every conversation of the run is waiting). The batch and the
/// `custom_id` → call mapping are stored (``ResultStore/recordBatch(_:requests:)``) before the
/// batch is polled, so the same calls made again after a `kill -9` find their stored line and wait
/// for that batch instead of submitting again. A call its batch has no answer for (expired,
/// errored, cancelled, a failed batch, a server without a batch API) is made directly.
///
/// Run ``serve()`` beside the conversations and call ``finish()`` when they are all done; the
/// clock (a manual one in tests) paces the polls.
public actor BatchCoordinator<C: Clock>: CallBatching where C.Duration == Duration {
    /// A queued call.
    private struct Queued {
        var key: String
        var request: ChatRequest
        var waiters: [Int]
        var since: C.Instant
    }

    /// A batch this invocation waits for: the waiting calls of each line.
    private struct Attached {
        var spec: ModelSpec
        var lines: [String: [Int]]
    }

    private enum Work: Sendable {
        case submit(ModelSpec, token: Int, lines: [BatchRequestLine], keys: [String: String])
        case poll(batchID: String, spec: ModelSpec)
    }

    private let store: ResultStore
    private let makeClient: @Sendable (ModelSpec) -> any BatchClient
    private let settings: BatchSettings
    private let clock: C
    /// Conversations started and not yet done (read by ``producerStarted()`` without the actor).
    private let producers = Mutex(0)
    private let work = AsyncStream<Work>.makeStream()

    private var clients: [ModelSpec: any BatchClient] = [:]
    private var continuations: [Int: CheckedContinuation<BatchedCallOutcome, any Error>] = [:]
    private var nextID = 0
    private var queues: [ModelSpec: [Queued]] = [:]
    /// Lines of batches being submitted, by submission token.
    private var submitting: [Int: [String: [Int]]] = [:]
    private var nextToken = 0
    private var attached: [String: Attached] = [:]
    /// Results of the batches that ended in this invocation, for calls that come later.
    private var ended: [String: (results: [String: BatchLineResult], missing: String)] = [:]
    /// Models whose server has no batch API, and why.
    private var unbatchable: [ModelSpec: String] = [:]
    private var stats = BatchStatistics()

    /// Creates a coordinator.
    /// - Parameters:
    ///   - store: Where batches and their lines are recorded.
    ///   - settings: Batch size, queue age and polling.
    ///   - clock: Paces the polls and ages the queue.
    ///   - clients: The batch API of a model (``ModelClientFactory/batchClient(for:)``).
    public init(
        store: ResultStore, settings: BatchSettings = .init(), clock: C, clients: @escaping @Sendable (ModelSpec) -> any BatchClient
    ) {
        self.store = store
        self.settings = settings
        self.clock = clock
        self.makeClient = clients
    }

    /// What batching did so far.
    public func statistics() -> BatchStatistics { stats }

    // MARK: - Calls

    /// Waits for the reply to `request` (response-cache key `key`) from a batch: the stored line of
    /// an earlier invocation that carries it, else a new batch.
    /// - Returns: The batch's reply, or ``BatchedCallOutcome/direct(_:)`` (with the reason) when
    ///   the call is to be made directly.
    /// - Throws: `CancellationError` when the calling task is cancelled; a store error when the
    ///   stored batches cannot be read.
    public func call(_ request: ChatRequest, key: String, spec: ModelSpec) async throws -> BatchedCallOutcome {
        if let reason = unbatchable[spec] {
            stats.direct += 1
            return .direct(reason)
        }
        let stored = try await store.reattachableBatchRequest(requestKey: key, model: spec.description)
        let id = nextID
        nextID += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<BatchedCallOutcome, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                continuations[id] = continuation
                if let stored {
                    attach(id, batchID: stored.batch.id, customID: stored.request.customID, spec: spec)
                } else {
                    enqueue(id, key: key, request: request, spec: spec)
                }
                flushIfDue()
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    /// A conversation started.
    public nonisolated func producerStarted() {
        producers.withLock { $0 += 1 }
    }

    /// A conversation is done.
    public func producerFinished() {
        producers.withLock { $0 -= 1 }
        flushIfDue()
    }

    private func enqueue(_ id: Int, key: String, request: ChatRequest, spec: ModelSpec) {
        var queue = queues[spec] ?? []
        if let index = queue.firstIndex(where: { $0.key == key }) {
            queue[index].waiters.append(id)
        } else {
            queue.append(Queued(key: key, request: request, waiters: [id], since: clock.now))
        }
        queues[spec] = queue
    }

    private func attach(_ id: Int, batchID: String, customID: String, spec: ModelSpec) {
        if let done = ended[batchID] {
            resume(id, with: Self.outcome(done.results[customID], missing: done.missing))
            return
        }
        if attached[batchID] == nil {
            attached[batchID] = Attached(spec: spec, lines: [:])
            stats.reattached += 1
            work.continuation.yield(.poll(batchID: batchID, spec: spec))
        }
        attached[batchID]?.lines[customID, default: []].append(id)
    }

    /// Submits the queues that are due: full ones, ones whose oldest call waited ``BatchSettings/maxAge``,
    /// and all of them when every conversation is waiting for a batched call.
    private func flushIfDue() {
        let running = producers.withLock { $0 }
        let everyoneWaits = continuations.count >= running
        let now = clock.now
        for spec in queues.keys.sorted(by: { $0.description < $1.description }) {
            guard var queue = queues[spec], let oldest = queue.first else { continue }
            let due = everyoneWaits || oldest.since.advanced(by: settings.maxAge) <= now
            while !queue.isEmpty && (due || queue.count >= settings.maxRequests) {
                let taken = queue.prefix(settings.maxRequests)
                queue.removeFirst(taken.count)
                var lines: [BatchRequestLine] = []
                var keys: [String: String] = [:]
                var waiters: [String: [Int]] = [:]
                for item in taken {
                    let customID = Self.customID(forKey: item.key)
                    lines.append(BatchRequestLine(customID: customID, request: item.request))
                    keys[customID] = item.key
                    waiters[customID] = item.waiters
                }
                let token = nextToken
                nextToken += 1
                submitting[token] = waiters
                work.continuation.yield(.submit(spec, token: token, lines: lines, keys: keys))
            }
            queues[spec] = queue.isEmpty ? nil : queue
        }
    }

    /// The `custom_id` of the call with response-cache key `key` (a SHA-256 in hex): `cb-` and its
    /// first 40 digits, within both providers' rules.
    static func customID(forKey key: String) -> String { "cb-" + key.prefix(40) }

    private static func outcome(_ result: BatchLineResult?, missing: String) -> BatchedCallOutcome {
        switch result {
        case .answered(let completion): .answered(completion)
        case .unanswered(let reason): .direct(reason)
        case nil: .direct(missing)
        }
    }

    private func resume(_ id: Int, with outcome: BatchedCallOutcome) {
        guard let continuation = continuations.removeValue(forKey: id) else { return }
        if case .answered = outcome { stats.answered += 1 } else { stats.direct += 1 }
        continuation.resume(returning: outcome)
    }

    private func resume(_ id: Int, throwing error: any Error) {
        continuations.removeValue(forKey: id)?.resume(throwing: error)
    }

    private func cancel(_ id: Int) {
        guard continuations[id] != nil else { return }
        for spec in Array(queues.keys) {
            queues[spec] = queues[spec]?.compactMap { item in
                var item = item
                item.waiters.removeAll { $0 == id }
                return item.waiters.isEmpty ? nil : item
            }
        }
        resume(id, throwing: CancellationError())
    }

    // MARK: - Batches

    /// Submits and polls batches until ``finish()`` is called and every batch is done.
    public func serve() async throws {
        await withDiscardingTaskGroup { group in
            for await item in work.stream {
                switch item {
                case .submit(let spec, let token, let lines, let keys):
                    group.addTask { await self.submitAndPoll(spec, token: token, lines: lines, keys: keys) }
                case .poll(let batchID, let spec):
                    group.addTask { await self.pollAndDeliver(batchID, spec: spec, submitted: nil) }
                }
            }
        }
    }

    /// No more calls will come.
    public nonisolated func finish() {
        work.continuation.finish()
    }

    private func client(for spec: ModelSpec) -> any BatchClient {
        if let client = clients[spec] { return client }
        let client = makeClient(spec)
        clients[spec] = client
        return client
    }

    private func submitAndPoll(_ spec: ModelSpec, token: Int, lines: [BatchRequestLine], keys: [String: String]) async {
        let client = client(for: spec)
        let job: BatchJob
        do {
            job = try await client.submit(lines)
            let record = StoredBatch(
                id: job.id, provider: client.provider.rawValue, model: spec.description, state: job.state.rawValue,
                requestCount: lines.count,
                createdAt: StableHash.timestamp(Date()))
            try await store.recordBatch(
                record,
                requests: lines.map { StoredBatchRequest(batchID: job.id, customID: $0.customID, requestKey: keys[$0.customID] ?? "") })
        } catch {
            let waiters = submitting.removeValue(forKey: token) ?? [:]
            if error is CancellationError {
                for id in waiters.values.joined() { resume(id, throwing: error) }
                return
            }
            let reason = "no batch: \(Self.describe(error))"
            // A server without a batch API: its calls go directly from now on.
            if reason.contains("HTTP 404") || reason.contains("HTTP 405") { unbatchable[spec] = reason }
            for id in waiters.values.joined() { resume(id, with: .direct(reason)) }
            return
        }
        stats.submitted += 1
        attached[job.id] = Attached(spec: spec, lines: submitting.removeValue(forKey: token) ?? [:])
        await pollAndDeliver(job.id, spec: spec, submitted: job)
    }

    /// Polls batch `batchID` (at once when it was not just submitted, then after each wait of the
    /// schedule) until it ends, reads its results and hands them out.
    private func pollAndDeliver(_ batchID: String, spec: ModelSpec, submitted: BatchJob?) async {
        let client = client(for: spec)
        var wait = settings.polling.first
        var job: BatchJob
        var results: [String: BatchLineResult] = [:]
        do {
            if let submitted {
                job = submitted
            } else {
                job = try await client.status(of: batchID)
            }
            while !job.state.isEnded {
                try await clock.sleep(for: wait)
                wait = settings.polling.next(after: wait)
                job = try await client.status(of: batchID)
            }
            if !job.resultLocations.isEmpty { results = try await client.results(of: job) }
        } catch {
            guard !(error is CancellationError) else {
                for id in (attached.removeValue(forKey: batchID)?.lines.values.joined()).map(Array.init) ?? [] {
                    resume(id, throwing: error)
                }
                return
            }
            let reason = "batch \(batchID) could not be read: \(Self.describe(error))"
            try? await store.updateBatch(id: batchID, state: "abandoned", detail: reason, finishedAt: StableHash.timestamp(Date()))
            deliver(batchID, results: [:], missing: reason)
            return
        }
        let missing = "batch \(batchID) \(job.state.rawValue) without an answer for this call" + (job.detail.map { ": \($0)" } ?? "")
        let waiting = attached[batchID]?.lines ?? [:]
        ended[batchID] = (results, missing)
        deliver(batchID, results: results, missing: missing)
        let finished = StableHash.timestamp(Date())
        try? await store.updateBatch(id: batchID, state: job.state.rawValue, detail: job.detail, finishedAt: finished)
        let answered = results.compactMap { id, result in if case .answered = result { id } else { nil } }
        try? await store.updateBatchRequests(batchID: batchID, customIDs: answered.sorted(), state: "answered")
        for customID in waiting.keys.sorted() where !answered.contains(customID) {
            let reason: String = if case .unanswered(let why)? = results[customID] { why } else { missing }
            try? await store.updateBatchRequests(batchID: batchID, customIDs: [customID], state: "direct", detail: reason)
        }
    }

    private func deliver(_ batchID: String, results: [String: BatchLineResult], missing: String) {
        guard let entry = attached.removeValue(forKey: batchID) else { return }
        for customID in entry.lines.keys.sorted() {
            let outcome = Self.outcome(results[customID], missing: missing)
            for id in entry.lines[customID] ?? [] { resume(id, with: outcome) }
        }
    }

    private static func describe(_ error: any Error) -> String {
        (error as? CollabBenchError)?.message ?? String(describing: error)
    }
}
