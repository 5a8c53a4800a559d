import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Waits for a child process to exit without holding a thread, with a deadline on an injected
/// clock and cancellation, and signals it only while it is known to be running (so a reused pid is
/// never hit).
///
/// `@unchecked Sendable`: every stored property is read and written only under `lock`.
final class ExitWatch: @unchecked Sendable {
    /// How a wait ended.
    enum Outcome: Sendable {
        case exited(ChildProcess.Termination)
        case timedOut
        case cancelled
    }

    private typealias Waiter = (id: Int, cancellable: Bool, continuation: CheckedContinuation<Outcome, Never>)

    private let lock = NSLock()
    private var pid: pid_t = 0
    private var termination: ChildProcess.Termination?
    private var isCancelled = false
    private var waiters: [Waiter] = []
    /// Waits whose deadline passed before they were registered.
    private var expiredIDs: Set<Int> = []
    private var exitHandlers: [@Sendable (ChildProcess.Termination) -> Void] = []
    private var nextWaitID = 0

    /// Records the child's pid once it has started.
    func started(pid: pid_t) {
        lock.withLock { self.pid = pid }
    }

    /// Called from the process's termination handler: wakes every wait and exit handler.
    func exited(_ termination: ChildProcess.Termination) {
        let (woken, handlers) = lock.withLock { () -> ([Waiter], [@Sendable (ChildProcess.Termination) -> Void]) in
            self.termination = termination
            defer {
                waiters = []
                exitHandlers = []
            }
            return (waiters, exitHandlers)
        }
        for waiter in woken { waiter.continuation.resume(returning: .exited(termination)) }
        for handler in handlers { handler(termination) }
    }

    /// How the child ended, once it has.
    var current: ChildProcess.Termination? { lock.withLock { termination } }

    /// Calls `handler` once the child has exited (at once when it already has).
    func whenExited(_ handler: @escaping @Sendable (ChildProcess.Termination) -> Void) {
        let done = lock.withLock { () -> ChildProcess.Termination? in
            if let termination { return termination }
            exitHandlers.append(handler)
            return nil
        }
        if let done { handler(done) }
    }

    /// Wakes the cancellable waits (now and later ones) with `.cancelled`.
    func cancel() {
        let woken = lock.withLock { () -> [Waiter] in
            isCancelled = true
            let cancellable = waiters.filter(\.cancellable)
            waiters.removeAll(where: \.cancellable)
            return cancellable
        }
        for waiter in woken { waiter.continuation.resume(returning: .cancelled) }
    }

    /// Sends `signal` to the child (and first to its process group when `group`) if it has not
    /// exited yet. Returns whether it was sent.
    @discardableResult
    func signal(_ signal: Int32, group: Bool) -> Bool {
        lock.withLock {
            guard termination == nil, pid > 0 else { return false }
            if group {
                _ = kill(-pid, signal)
            }
            _ = kill(pid, signal)
            return true
        }
    }

    /// Waits until the child exits, `timeout` passes on `clock` (when given), or — if
    /// `cancellable` — the watch is cancelled.
    func wait(upTo timeout: Duration?, clock: any Clock<Duration>, cancellable: Bool) async -> Outcome {
        let id = lock.withLock { () -> Int in
            nextWaitID += 1
            return nextWaitID
        }
        let timer: Task<Void, Never>? = timeout.map { timeout in
            Task { [self] in
                do { try await clock.sleep(for: timeout) } catch { return }
                expire(id)
            }
        }
        defer { timer?.cancel() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let ready = lock.withLock { () -> Outcome? in
                if let termination { return .exited(termination) }
                if cancellable && isCancelled { return .cancelled }
                if expiredIDs.remove(id) != nil { return .timedOut }
                waiters.append((id, cancellable, continuation))
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func expire(_ id: Int) {
        let continuation = lock.withLock { () -> CheckedContinuation<Outcome, Never>? in
            guard let index = waiters.firstIndex(where: { $0.id == id }) else {
                if termination == nil { expiredIDs.insert(id) }
                return nil
            }
            return waiters.remove(at: index).continuation
        }
        continuation?.resume(returning: .timedOut)
    }
}
