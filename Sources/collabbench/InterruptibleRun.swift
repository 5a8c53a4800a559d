import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs work that a first Ctrl-C stops cleanly (no new conversations; those in flight are
/// abandoned; what finished stays stored) and a second Ctrl-C stops at once.
enum InterruptibleRun {
    /// Runs `body`; returns nil when it was interrupted by SIGINT or SIGTERM.
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        let task = Task { try await body() }
        let queue = DispatchQueue(label: "collabbench.signals")
        var sources: [any DispatchSourceSignal] = []
        let interrupted = Interrupted()
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler {
                if interrupted.mark() {
                    FileHandle.standardError.write(Data("\ncollabbench: stopping: no new conversations; Ctrl-C again to quit at once.\n".utf8))
                    task.cancel()
                } else {
                    // Leave a live progress line behind with its line ended.
                    if isatty(2) != 0 { FileHandle.standardError.write(Data("\n".utf8)) }
                    exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
        defer {
            for source in sources { source.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        do {
            return try await task.value
        } catch is CancellationError where interrupted.isSet {
            return nil
        } catch where interrupted.isSet && Task.isCancelled == false {
            // Cancellation surfaced as another error (e.g. an HTTP call cut short).
            return nil
        }
    }

    /// Whether a signal arrived.
    private final class Interrupted: @unchecked Sendable {
        // Guarded by `lock`: touched by the signal queue and the awaiting task.
        private let lock = NSLock()
        private var count = 0

        /// Records a signal; true for the first one.
        func mark() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            count += 1
            return count == 1
        }

        var isSet: Bool {
            lock.lock()
            defer { lock.unlock() }
            return count > 0
        }
    }
}
