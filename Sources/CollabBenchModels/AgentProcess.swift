import CollabBenchCore
import CollabBenchProcess
import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One running agent program and its three standard streams, for ``SubprocessAgent``.
///
/// The program runs as `/bin/sh -c <command>`, started by ``ChildProcess`` as the leader of its
/// own process group, so signals reach everything it started. No task or cooperative
/// thread ever blocks: one I/O thread per program `poll`s its stdout and stderr (non-blocking
/// pipes) and its stdin (a non-blocking socket written with `MSG_NOSIGNAL`, so a dead reader
/// yields `EPIPE`, never a `SIGPIPE` that would kill CollabBench); the exit is reported by
/// ``ChildProcess`` (which reaps the child and signals it only while it runs); waits are continuations woken by
/// those events or by timers. stdout is split into lines, a line longer than the cap is an error;
/// stderr keeps only its last bytes.
///
/// Why not dispatch read/write sources: on Linux, libdispatch's epoll bookkeeping crashes under
/// concurrent registration and teardown of fd sources (swift-corelibs-libdispatch issue 949), which
/// is exactly what many short-lived agent processes do.
///
/// The I/O thread holds the object until ``stop(grace:)``, ``forceKill()`` or ``abandon()`` ends it.
///
/// `@unchecked Sendable`: every mutable property lives in `state`, read and written only under
/// `lock`; the descriptors are closed only by the I/O thread (stdin and the wake pipe under `lock`,
/// since callers write to them under `lock` too).
final class AgentProcess: @unchecked Sendable {
    /// Why a wait for a line ended without one.
    enum Failure: Error, Sendable, Equatable {
        /// The program ended (or closed its stdout) before writing a line.
        case ended
        /// It wrote a line longer than the cap.
        case oversized
        /// The deadline passed.
        case timedOut
        /// The waiting task was cancelled.
        case cancelled
    }

    /// How the program ended.
    struct Exit: Sendable, Equatable {
        var status: Int32
        var bySignal: Bool

        /// `exited with status 1` or `was killed by signal 9`.
        var description: String { bySignal ? "was killed by signal \(status)" : "exited with status \(status)" }
    }

    private struct State {
        var pid: pid_t = 0
        var exit: Exit?
        var lines: [Data] = []
        var partial = Data()
        var oversized = false
        var stdoutClosed = false
        var stderrClosed = false
        /// Set a moment after the program ended or closed stdout, so a wait does not hang on a
        /// stream a leftover child still holds open.
        var endSettled = false
        var stderrTail = Data()
        var pendingWrite = Data()
        var closeStdinAfterFlush = false
        var stdinShut = false
        var writeError: Int32?
        /// The I/O thread should end.
        var stopping = false
        /// The I/O thread closed stdin and the wake pipe.
        var ioClosed = false
        var lineWaiter: (id: Int, continuation: CheckedContinuation<Result<Data, Failure>, Never>)?
        var exitWaiters: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextID = 0
    }

    private let lock = NSLock()
    private var state = State()
    private let timers = DispatchQueue(label: "collabbench.agent-process.timers")
    private let maxLineBytes: Int
    private let stderrTailBytes: Int
    private let stdinFD: Int32
    private let stdoutFD: Int32
    private let stderrFD: Int32
    private let wakeReadFD: Int32
    private let wakeWriteFD: Int32
    /// The running program: its start, exit and signals.
    private let child: ChildProcess
    /// Seconds to wait after the program ends for the rest of its output.
    private let drainSeconds = 0.5

    /// The program's pid (its process group id too).
    var pid: pid_t { lock.withLock { state.pid } }

    /// How it ended, once it has.
    var exit: Exit? { lock.withLock { state.exit } }

    /// The last bytes of its stderr, as text.
    var stderrTail: String { lock.withLock { String(decoding: state.stderrTail, as: UTF8.self) } }

    /// Why a write to its stdin failed, if one did.
    var writeError: Int32? { lock.withLock { state.writeError } }

    /// Starts `/bin/sh -c command` and its I/O thread.
    /// - Parameters:
    ///   - command: The shell command.
    ///   - environment: The program's whole environment.
    ///   - workingDirectory: Where it runs (nil: CollabBench's current directory).
    ///   - maxLineBytes: Longest stdout line accepted.
    ///   - stderrTailBytes: stderr bytes kept (the last ones).
    /// - Throws: ``CollabBenchError`` (`.agentFailed`) when the program cannot be started.
    init(command: String, environment: [String: String], workingDirectory: String?, maxLineBytes: Int, stderrTailBytes: Int) throws {
        self.maxLineBytes = maxLineBytes
        self.stderrTailBytes = max(1, stderrTailBytes)

        var stdinPair: [Int32] = [-1, -1]
        var stdoutPipe: [Int32] = [-1, -1]
        var stderrPipe: [Int32] = [-1, -1]
        var wakePipe: [Int32] = [-1, -1]
        func closeAll() {
            for fd in stdinPair + stdoutPipe + stderrPipe + wakePipe where fd >= 0 { close(fd) }
        }
        #if canImport(Darwin)
            let streamType = SOCK_STREAM
        #else
            let streamType = Int32(SOCK_STREAM.rawValue)
        #endif
        guard socketpair(AF_UNIX, streamType, 0, &stdinPair) == 0, pipe(&stdoutPipe) == 0, pipe(&stderrPipe) == 0, pipe(&wakePipe) == 0
        else {
            let error = String(cString: strerror(errno))
            closeAll()
            throw CollabBenchError(.agentFailed, "cannot create pipes for agent command '\(command)': \(error)")
        }
        for fd in stdinPair + stdoutPipe + stderrPipe + wakePipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        for fd in [stdinPair[0], stdoutPipe[0], stderrPipe[0], wakePipe[0], wakePipe[1]] {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        stdinFD = stdinPair[0]
        stdoutFD = stdoutPipe[0]
        stderrFD = stderrPipe[0]
        wakeReadFD = wakePipe[0]
        wakeWriteFD = wakePipe[1]

        let child: ChildProcess
        do {
            child = try ChildProcess.start(
                .init(
                    executable: "/bin/sh", arguments: ["-c", command], environment: environment,
                    workingDirectory: workingDirectory, standardInput: .descriptor(stdinPair[1]),
                    standardOutput: .descriptor(stdoutPipe[1]), standardError: .descriptor(stderrPipe[1])))
        } catch {
            closeAll()
            throw CollabBenchError(.agentFailed, "cannot start agent command '\(command)': \(error)")
        }
        self.child = child
        // The child has its copies; ours would keep its stdin open and our reads from ending.
        close(stdinPair[1])
        close(stdoutPipe[1])
        close(stderrPipe[1])
        let pid = child.pid
        lock.withLock { state.pid = pid }
        child.whenExited { [weak self] termination in
            self?.exited(Exit(status: termination.status, bySignal: termination.reason == .signal))
        }
        let thread = Thread { [self] in runIOLoop() }
        thread.name = "collabbench-agent-\(pid)"
        thread.start()
    }

    // MARK: - The I/O thread

    /// Polls the streams until asked to stop, then closes every descriptor.
    private func runIOLoop() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var stdoutOpen = true
        var stderrOpen = true

        /// Reads what `fd` has (a bounded amount, so a flood cannot starve the stop check).
        /// Returns false at end of file.
        func drain(_ fd: Int32, isStdout: Bool) -> Bool {
            for _ in 0..<16 {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    received(Data(buffer[0..<count]), isStdout: isStdout)
                } else if count < 0 && errno == EINTR {
                    continue
                } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    return true
                } else {
                    // End of file (or a read error, treated alike).
                    close(fd)
                    closed(isStdout: isStdout)
                    return false
                }
            }
            return true
        }

        while true {
            let (stopping, wantsWrite) = lock.withLock {
                (state.stopping, !state.pendingWrite.isEmpty && !state.stdinShut && state.writeError == nil)
            }
            if stopping { break }
            var fds = [pollfd(fd: wakeReadFD, events: Int16(POLLIN), revents: 0)]
            if stdoutOpen { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
            if stderrOpen { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
            if wantsWrite { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 {
                if errno != EINTR { usleep(10_000) }
                continue
            }
            for entry in fds where entry.revents != 0 {
                switch entry.fd {
                case wakeReadFD:
                    while buffer.withUnsafeMutableBytes({ read(wakeReadFD, $0.baseAddress, $0.count) }) > 0 {}
                case stdoutFD:
                    stdoutOpen = drain(stdoutFD, isStdout: true)
                case stderrFD:
                    stderrOpen = drain(stderrFD, isStdout: false)
                default:
                    lock.withLock { flushLocked() }
                }
            }
        }
        if stdoutOpen { close(stdoutFD) }
        if stderrOpen { close(stderrFD) }
        lock.withLock {
            state.ioClosed = true
            state.stdinShut = true
            state.pendingWrite = Data()
            close(stdinFD)
            close(wakeReadFD)
            close(wakeWriteFD)
        }
    }

    /// Wakes the I/O thread (to poll for writing, or to stop). Call under `lock`.
    private func wakeLocked() {
        guard !state.ioClosed else { return }
        var byte: UInt8 = 1
        _ = write(wakeWriteFD, &byte, 1)
    }

    /// Asks the I/O thread to close the streams and end.
    private func stopIO() {
        lock.withLock {
            state.stopping = true
            wakeLocked()
        }
    }

    // MARK: - Writing

    /// Queues `data` for the program's stdin; returns at once.
    func enqueue(_ data: Data) {
        lock.withLock {
            guard !state.stdinShut, !state.closeStdinAfterFlush, state.writeError == nil, !state.ioClosed else { return }
            state.pendingWrite.append(data)
            flushLocked()
            if !state.pendingWrite.isEmpty { wakeLocked() }
        }
    }

    /// Closes the program's stdin once everything queued is written, so it reads end of file.
    func closeStdin() {
        lock.withLock {
            guard !state.stdinShut else { return }
            state.closeStdinAfterFlush = true
            flushLocked()
        }
    }

    /// Writes what stdin accepts now (non-blocking); the I/O thread writes the rest when there is
    /// room. Call under `lock`.
    private func flushLocked() {
        guard !state.ioClosed, !state.stdinShut else { return }
        while !state.pendingWrite.isEmpty && state.writeError == nil {
            let sent = state.pendingWrite.withUnsafeBytes { raw -> Int in
                send(stdinFD, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                state.pendingWrite.removeFirst(sent)
            } else if sent < 0 && errno == EINTR {
                continue
            } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                break
            } else {
                state.writeError = sent < 0 ? errno : EPIPE
                state.pendingWrite.removeAll()
            }
        }
        if state.closeStdinAfterFlush && (state.pendingWrite.isEmpty || state.writeError != nil) {
            state.stdinShut = true
            _ = shutdown(stdinFD, Int32(SHUT_WR))
        }
    }

    // MARK: - Reading

    private func received(_ data: Data, isStdout: Bool) {
        lock.withLock {
            guard isStdout else {
                state.stderrTail.append(data)
                if state.stderrTail.count > 2 * stderrTailBytes { state.stderrTail = Data(state.stderrTail.suffix(stderrTailBytes)) }
                return
            }
            guard !state.oversized else { return }
            var rest = data[...]
            while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
                state.partial.append(contentsOf: rest[rest.startIndex..<newline])
                rest = rest[rest.index(after: newline)...]
                if state.partial.count > maxLineBytes { break }
                var line = state.partial
                state.partial = Data()
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { state.lines.append(line) }
            }
            state.partial.append(contentsOf: rest)
            if state.partial.count > maxLineBytes {
                state.oversized = true
                state.partial = Data()
            }
        }
        wakeLineWaiter()
    }

    private func closed(isStdout: Bool) {
        lock.withLock {
            if isStdout { state.stdoutClosed = true } else { state.stderrClosed = true }
        }
        if isStdout { settleLater() }
        wakeLineWaiter()
        wakeExitWaitersIfDone()
    }

    private func exited(_ exit: Exit) {
        lock.withLock { state.exit = exit }
        settleLater()
        wakeLineWaiter()
        wakeExitWaitersIfDone()
    }

    /// Marks the end as settled after the drain period, so that output still in flight when the
    /// program ended is read first, and a wait ends even if a leftover child keeps a stream open.
    private func settleLater() {
        timers.asyncAfter(deadline: .now() + drainSeconds) { [weak self] in
            guard let self else { return }
            lock.withLock { state.endSettled = true }
            wakeLineWaiter()
            wakeExitWaitersIfDone()
        }
    }

    // MARK: - Waiting

    /// Whether a line wait can end now, and how.
    private func lineResultLocked() -> Result<Data, Failure>? {
        if !state.lines.isEmpty { return .success(state.lines.removeFirst()) }
        if state.oversized { return .failure(.oversized) }
        let ended = state.stdoutClosed || state.exit != nil
        let fullyDrained = state.stdoutClosed && state.stderrClosed && state.exit != nil
        if ended && (fullyDrained || state.endSettled) { return .failure(.ended) }
        return nil
    }

    private func wakeLineWaiter() {
        let resume = lock.withLock { () -> (CheckedContinuation<Result<Data, Failure>, Never>, Result<Data, Failure>)? in
            guard let waiter = state.lineWaiter, let result = lineResultLocked() else { return nil }
            state.lineWaiter = nil
            return (waiter.continuation, result)
        }
        if let (continuation, result) = resume { continuation.resume(returning: result) }
    }

    /// The next non-blank line of stdout (without its line end), or why there is none: the
    /// program ended, wrote an oversized line, `seconds` passed, or the task was cancelled.
    func nextLine(timeout seconds: Double) async -> Result<Data, Failure> {
        let id = lock.withLock { () -> Int in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Data, Failure>, Never>) in
                let ready = lock.withLock { () -> Result<Data, Failure>? in
                    if let result = lineResultLocked() { return result }
                    if Task.isCancelled { return .failure(.cancelled) }
                    state.lineWaiter = (id, continuation)
                    return nil
                }
                if let ready {
                    continuation.resume(returning: ready)
                } else {
                    timers.asyncAfter(deadline: .now() + max(0, seconds)) { [weak self] in self?.endLineWait(id, with: .timedOut) }
                }
            }
        } onCancel: {
            endLineWait(id, with: .cancelled)
        }
    }

    private func endLineWait(_ id: Int, with failure: Failure) {
        let continuation = lock.withLock { () -> CheckedContinuation<Result<Data, Failure>, Never>? in
            guard let waiter = state.lineWaiter, waiter.id == id else { return nil }
            state.lineWaiter = nil
            return waiter.continuation
        }
        continuation?.resume(returning: .failure(failure))
    }

    /// Done when the program has exited and its stdout and stderr are closed (or, after its
    /// exit, the drain period passed).
    private func doneLocked() -> Bool {
        state.exit != nil && ((state.stdoutClosed && state.stderrClosed) || state.endSettled)
    }

    private func wakeExitWaitersIfDone() {
        let waiters = lock.withLock { () -> [CheckedContinuation<Bool, Never>] in
            guard doneLocked() else { return [] }
            defer { state.exitWaiters = [] }
            return state.exitWaiters.map(\.continuation)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Waits up to `seconds` for the program to exit (and its output to drain). Returns whether
    /// it has exited. Not cancellable: teardown must finish.
    func waitForExit(upTo seconds: Double) async -> Bool {
        let id = lock.withLock { () -> Int in
            state.nextID += 1
            return state.nextID
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let done = lock.withLock { () -> Bool in
                if doneLocked() { return true }
                state.exitWaiters.append((id, continuation))
                return false
            }
            if done {
                continuation.resume(returning: true)
            } else {
                timers.asyncAfter(deadline: .now() + max(0, seconds)) { [weak self] in
                    guard let self else { return }
                    let expired = lock.withLock { () -> CheckedContinuation<Bool, Never>? in
                        guard let index = state.exitWaiters.firstIndex(where: { $0.id == id }) else { return nil }
                        return state.exitWaiters.remove(at: index).continuation
                    }
                    expired?.resume(returning: lock.withLock { state.exit != nil })
                }
            }
        }
    }

    // MARK: - Ending

    /// Sends `signal` to the program's process group and the program, only while it is known to
    /// be running (so a reused pid is never hit).
    func sendSignal(_ signal: Int32) {
        child.signal(signal, toGroup: true)
    }

    /// Stops the program: closes its stdin and waits `grace` seconds for it to exit, then sends
    /// `SIGTERM` to its process group, waits `grace` again (at least 0.2 s), then `SIGKILL`.
    /// Returns once it has exited (or, in the worst case, a few seconds after `SIGKILL`).
    func stop(grace: Double) async {
        closeStdin()
        if grace > 0, await waitForExit(upTo: grace) { return stopIO() }
        sendSignal(SIGTERM)
        if await waitForExit(upTo: max(grace, 0.2)) { return stopIO() }
        sendSignal(SIGKILL)
        _ = await waitForExit(upTo: 5)
        stopIO()
    }

    /// Kills the program's process group at once and waits for the exit (a few seconds at most).
    func forceKill() async {
        sendSignal(SIGKILL)
        _ = await waitForExit(upTo: 5)
        stopIO()
    }

    /// Kills the program's process group and ends the I/O thread without waiting: for an owner
    /// that goes away without stopping it. Foundation still reaps the process.
    func abandon() {
        sendSignal(SIGKILL)
        stopIO()
    }
}
