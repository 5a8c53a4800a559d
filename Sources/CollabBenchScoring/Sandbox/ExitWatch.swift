import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Waits for a child process to exit without holding a thread, with a deadline and cancellation,
/// and signals it only while it is known to be running (so a reused pid is never hit).
///
/// `@unchecked Sendable`: every stored property is read and written only under `lock`.
final class ExitWatch: @unchecked Sendable {
    /// How a wait ended.
    enum Outcome: Sendable {
        case exited(status: Int32)
        case timedOut
        case cancelled
    }

    private let lock = NSLock()
    private var pid: pid_t = 0
    private var status: Int32?
    private var isCancelled = false
    private var waiter: (id: Int, cancellable: Bool, continuation: CheckedContinuation<Outcome, Never>)?
    private var nextWaitID = 0

    /// Records the child's pid once it has started.
    func started(pid: pid_t) {
        lock.withLock { self.pid = pid }
    }

    /// Called from the process's termination handler.
    func exited(status: Int32) {
        let continuation = lock.withLock { () -> CheckedContinuation<Outcome, Never>? in
            self.status = status
            defer { waiter = nil }
            return waiter?.continuation
        }
        continuation?.resume(returning: .exited(status: status))
    }

    /// Wakes a cancellable wait (now or the next one) with `.cancelled`.
    func cancel() {
        let continuation = lock.withLock { () -> CheckedContinuation<Outcome, Never>? in
            isCancelled = true
            guard let waiter, waiter.cancellable else { return nil }
            self.waiter = nil
            return waiter.continuation
        }
        continuation?.resume(returning: .cancelled)
    }

    /// Sends `signal` to the child (and its process group) if it has not exited yet.
    func signal(_ signal: Int32, group: Bool = false) {
        lock.withLock {
            guard status == nil, pid > 0 else { return }
            if group {
                _ = kill(-pid, signal)
            }
            _ = kill(pid, signal)
        }
    }

    /// Waits until the child exits, `seconds` pass (when given), or — if `cancellable` — the
    /// watch is cancelled.
    func wait(upTo seconds: Double?, cancellable: Bool) async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let id: Int? = lock.withLock {
                if let status {
                    continuation.resume(returning: .exited(status: status))
                    return nil
                }
                if cancellable && isCancelled {
                    continuation.resume(returning: .cancelled)
                    return nil
                }
                nextWaitID += 1
                waiter = (nextWaitID, cancellable, continuation)
                return nextWaitID
            }
            if let id, let seconds {
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
                    expire(id)
                }
            }
        }
    }

    private func expire(_ id: Int) {
        let continuation = lock.withLock { () -> CheckedContinuation<Outcome, Never>? in
            guard let waiter, waiter.id == id else { return nil }
            self.waiter = nil
            return waiter.continuation
        }
        continuation?.resume(returning: .timedOut)
    }
}
