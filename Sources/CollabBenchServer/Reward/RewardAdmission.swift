/// The bounded queue in front of the scorer: a request is admitted whole when all its items fit
/// next to those already admitted, and turned away otherwise (the service answers 429). Admitted
/// items then wait for scoring units (a weighted semaphore of `concurrency` units), served in
/// arrival order.
actor RewardAdmission {
    private let queue: Int
    private let concurrency: Int
    private let minimumRetryAfter: Int
    private var admitted = 0
    private var unitsInUse = 0
    private var waiters: [(id: UInt64, units: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID: UInt64 = 0
    /// Mean seconds per item scored so far (an exponentially weighted average), for `Retry-After`.
    private var secondsPerItem: Double?

    init(settings: RewardServiceSettings) {
        queue = settings.queue
        concurrency = settings.concurrency
        minimumRetryAfter = settings.minimumRetryAfterSeconds
    }

    /// Items admitted and not yet finished.
    var pending: Int { admitted }

    /// Admits `count` items, or says why not.
    func admit(_ count: Int) -> AdmissionDecision {
        if count > queue { return .tooLarge(capacity: queue) }
        if admitted + count <= queue {
            admitted += count
            return .admitted
        }
        // Items ahead of this request that must finish first, at about one `secondsPerItem` each
        // per unit of concurrency.
        let excess = Double(admitted + count - queue)
        let estimate = (secondsPerItem ?? 0) * excess / Double(concurrency)
        return .full(retryAfterSeconds: max(minimumRetryAfter, Int(estimate.rounded(.up))))
    }

    /// Gives back `count` admitted items (finished, failed or abandoned).
    func finish(_ count: Int) {
        admitted = max(0, admitted - count)
    }

    /// Waits for `units` scoring units (at most `concurrency`: a larger item runs alone).
    /// Cancellation while waiting throws `CancellationError`.
    /// - Returns: The units taken, to give back with ``release(units:seconds:)``.
    func acquire(units requested: Int) async throws -> Int {
        let units = min(max(1, requested), concurrency)
        if waiters.isEmpty, unitsInUse + units <= concurrency {
            unitsInUse += units
            return units
        }
        let id = nextID
        nextID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, units, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
        return units
    }

    /// Gives `units` back, recording how long their item took.
    func release(units: Int, seconds: Double) {
        secondsPerItem = secondsPerItem.map { 0.8 * $0 + 0.2 * seconds } ?? seconds
        unitsInUse -= units
        wakeWaiters()
    }

    /// Starts waiters in order while the first one fits.
    private func wakeWaiters() {
        while let first = waiters.first, unitsInUse + first.units <= concurrency {
            unitsInUse += first.units
            waiters.removeFirst().continuation.resume()
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
        wakeWaiters()
    }
}

/// Whether a request's items were admitted.
enum AdmissionDecision: Sendable, Equatable {
    /// Admitted: score them, then ``RewardAdmission/finish(_:)``.
    case admitted
    /// The queue is full now; try again after this many seconds.
    case full(retryAfterSeconds: Int)
    /// More items than the service ever admits at once.
    case tooLarge(capacity: Int)
}
