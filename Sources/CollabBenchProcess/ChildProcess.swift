import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One child process, started and reaped without blocking a thread: the one place CollabBench
/// spawns programs (the code sandbox's supervisor, agent programs, and the tests' helpers).
///
/// The termination handler is registered before the program starts, so a fast exit is never
/// missed; waits are continuations woken by that handler or by a deadline on an injected clock;
/// signals are sent only while the child is known to run (a reused pid is never hit). Foundation
/// starts the child as the leader of a new process group, so a signal to the group reaches
/// everything it started.
///
/// ```swift
/// let child = try ChildProcess.start(.init(executable: "/bin/sleep", arguments: ["5"]))
/// switch try await child.run(deadline: .seconds(1)) {
/// case .exited(let termination): print(termination)
/// case .stoppedAtDeadline: print("too slow")
/// }
/// ```
public final class ChildProcess: Sendable {
    /// The child's pid (its process group id too).
    public let pid: Int32
    /// The program's path, for messages.
    public let executable: String
    /// The writing end of its stdin, when started with ``Input/pipe``.
    public let standardInput: ProcessInput?
    /// Its stdout, when started with ``Output/pipe``.
    public let standardOutput: ProcessOutput?
    /// Its stderr, when started with ``Output/pipe``.
    public let standardError: ProcessOutput?

    private let watch: ExitWatch
    private let clock: any Clock<Duration>

    private init(
        pid: Int32, executable: String, watch: ExitWatch, clock: any Clock<Duration>,
        standardInput: ProcessInput?, standardOutput: ProcessOutput?, standardError: ProcessOutput?
    ) {
        self.pid = pid
        self.executable = executable
        self.watch = watch
        self.clock = clock
        self.standardInput = standardInput
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Starts a program.
    /// - Parameters:
    ///   - configuration: the program, its arguments, environment, directory and streams.
    ///   - clock: the clock deadlines are measured on (tests pass a manual one).
    /// - Returns: the running child.
    /// - Throws: ``ChildProcessError`` when a stream cannot be set up or the program cannot start.
    public static func start(
        _ configuration: Configuration, clock: any Clock<Duration> = ContinuousClock()
    ) throws -> ChildProcess {
        var streams = StreamSetup()
        defer { streams.closeChildEnds() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: configuration.executable)
        process.arguments = configuration.arguments
        if let environment = configuration.environment { process.environment = environment }
        if let directory = configuration.workingDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: directory, isDirectory: true)
        }
        let input: ProcessInput?
        let output: ProcessOutput?
        let error: ProcessOutput?
        do {
            (process.standardInput, input) = try streams.input(configuration.standardInput)
            (process.standardOutput, output) = try streams.output(configuration.standardOutput)
            (process.standardError, error) = try streams.output(configuration.standardError)
        } catch {
            streams.closeParentEnds()
            throw error
        }
        let watch = ExitWatch()
        process.terminationHandler = { finished in
            let reason: Termination.Reason = finished.terminationReason == .uncaughtSignal ? .signal : .exit
            watch.exited(Termination(status: finished.terminationStatus, reason: reason))
        }
        do {
            try withSignalsUnblocked { try process.run() }
        } catch {
            process.terminationHandler = nil
            streams.closeParentEnds()
            throw ChildProcessError(.cannotStart, "cannot start \(configuration.executable): \(error)")
        }
        watch.started(pid: process.processIdentifier)
        output?.startReading()
        error?.startReading()
        return ChildProcess(
            pid: process.processIdentifier, executable: configuration.executable, watch: watch, clock: clock,
            standardInput: input, standardOutput: output, standardError: error)
    }

    /// Runs `body` (the spawn) with no signal blocked on the calling thread.
    ///
    /// A child inherits the spawning thread's signal mask, and threads of the concurrency pool
    /// can run with most signals blocked: a child started from one would ignore the `SIGTERM` of
    /// a teardown (measured: `sleep` spawned from a Swift Testing task had SIGTERM, SIGINT and
    /// SIGHUP blocked). Foundation's `Process` does not reset the mask, so it is cleared here for
    /// the moment of the spawn and restored after.
    private static func withSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
        var none = sigset_t()
        sigemptyset(&none)
        var previous = sigset_t()
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    /// How the child ended, once it has.
    public var termination: Termination? { watch.current }

    /// Calls `handler` once the child has exited (at once when it already has), on the thread
    /// that learns of the exit; keep it short.
    public func whenExited(_ handler: @escaping @Sendable (Termination) -> Void) {
        watch.whenExited(handler)
    }

    /// Waits for the child to exit, however long it takes. Not cancellable: use
    /// ``run(deadline:teardown:)`` for a wait that cancellation ends.
    public func waitForExit() async -> Termination {
        guard case .exited(let termination) = await watch.wait(upTo: nil, clock: clock, cancellable: false) else {
            preconditionFailure("an uncancellable wait without a deadline ended without an exit")
        }
        return termination
    }

    /// Waits up to `timeout` (on the injected clock) for the child to exit. Not cancellable.
    /// - Returns: how it ended, or nil when it is still running.
    public func waitForExit(upTo timeout: Duration) async -> Termination? {
        if case .exited(let termination) = await watch.wait(upTo: timeout, clock: clock, cancellable: false) {
            return termination
        }
        return nil
    }

    /// Sends `signal` to the child's process group (when `toGroup`) and the child, only while it
    /// is known to run.
    /// - Returns: whether the signal was sent.
    @discardableResult
    public func signal(_ signal: Int32, toGroup: Bool = true) -> Bool {
        watch.signal(signal, group: toGroup)
    }

    /// Stops the child: `SIGTERM` (to the group or the child, as `teardown` says), up to
    /// `teardown.grace` for it to exit, then `SIGKILL` to the process group, and waits for the exit.
    /// - Returns: how it ended.
    @discardableResult
    public func stop(_ teardown: Teardown = .init()) async -> Termination {
        signal(SIGTERM, toGroup: teardown.terminatesGroup)
        if let termination = await waitForExit(upTo: teardown.grace) { return termination }
        signal(SIGKILL, toGroup: true)
        return await waitForExit()
    }

    /// Waits for the child to exit; at `deadline` (when given) or when the task is cancelled, it
    /// is stopped as `teardown` says first.
    /// - Returns: whether it exited by itself or was stopped at the deadline.
    /// - Throws: `CancellationError` (after the child has been stopped) when the task was cancelled.
    public func run(deadline: Duration?, teardown: Teardown = .init()) async throws -> Completion {
        let first = await withTaskCancellationHandler {
            await watch.wait(upTo: deadline, clock: clock, cancellable: true)
        } onCancel: {
            watch.cancel()
        }
        switch first {
        case .exited(let termination):
            return .exited(termination)
        case .timedOut:
            return .stoppedAtDeadline(await stop(teardown))
        case .cancelled:
            await stop(teardown)
            throw CancellationError()
        }
    }
}
