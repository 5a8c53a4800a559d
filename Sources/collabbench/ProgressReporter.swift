import CollabBenchCore
import CollabBenchReports
import CollabBenchRunner
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows a run's progress, read from its ``RunMeter``.
///
/// On a terminal (stderr is a tty, no `--no-progress`): a live status line on stderr, redrawn four
/// times a second, coloured unless `NO_COLOR` is set or `TERM=dumb`; the start line and each failed
/// conversation print above it on stdout; ``finish()`` replaces it with a final plain line.
/// Otherwise (logs, CI, `--no-progress`): plain lines on stdout: the start line, one line per
/// failed conversation, a progress line every `interval` seconds and a final one.
final class ProgressReporter: Sendable {
    /// How progress is shown.
    enum Mode: Equatable {
        /// A redrawn status line on a terminal.
        case live(colour: Bool, dumb: Bool)
        /// Periodic plain lines.
        case plain
    }

    private struct State {
        /// `.started` arrived: there is a run to show.
        var runStarted = false
        var finished = false
        var timer: Task<Void, Never>?
        /// Columns of the live line now on screen (0: none).
        var liveWidth = 0
        /// The total the `.started` event gave, for a meter whose total is not set yet.
        var eventTotal = 0
    }

    private let meter: RunMeter
    private let agent: String
    private let pack: String
    private let interval: Double
    let mode: Mode
    private let state = Mutex(State())

    /// Live redraws per second at most.
    static let redrawsPerSecond = 4.0

    /// Creates a reporter; nothing prints until ``start()`` and the run's `.started` event.
    ///
    /// - Parameters:
    ///   - meter: the run's meter, read for every line.
    ///   - agent: the agent under test, as shown in the start line.
    ///   - pack: the task pack's name.
    ///   - noProgress: `--no-progress`: plain lines even on a terminal.
    ///   - interval: seconds between plain progress lines (`--progress-interval`); 0 or less: only
    ///     the final line.
    ///   - environment: the process environment (`NO_COLOR`, `TERM`).
    ///   - isTerminal: whether stderr is a terminal; default `isatty(2)`.
    init(
        meter: RunMeter, agent: String, pack: String, noProgress: Bool, interval: Double,
        environment: [String: String] = ProcessInfo.processInfo.environment, isTerminal: Bool = isatty(2) != 0
    ) {
        self.meter = meter
        self.agent = agent
        self.pack = pack
        self.interval = interval
        self.mode = Self.mode(noProgress: noProgress, environment: environment, isTerminal: isTerminal)
    }

    /// The display for these settings. Colour follows no-color.org: a non-empty `NO_COLOR` turns it off.
    static func mode(noProgress: Bool, environment: [String: String], isTerminal: Bool) -> Mode {
        guard isTerminal && !noProgress else { return .plain }
        let dumb = environment["TERM"] == "dumb"
        let noColour = !(environment["NO_COLOR"] ?? "").isEmpty
        return .live(colour: !noColour && !dumb, dumb: dumb)
    }

    /// Starts the timer that redraws the live line or prints the periodic plain lines.
    func start() {
        let period: Double
        switch mode {
        case .live: period = 1 / Self.redrawsPerSecond
        case .plain:
            guard interval > 0 else { return }
            period = max(interval, 1 / Self.redrawsPerSecond)
        }
        state.withLock { state in
            guard state.timer == nil, !state.finished else { return }
            state.timer = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(period))
                    guard !Task.isCancelled, let self else { return }
                    self.tick()
                }
            }
        }
    }

    /// Handles one event of the runner: prints the start line and each failure.
    func handle(_ event: RunProgress) {
        state.withLock { state in
            guard !state.finished else { return }
            switch event {
            case .started(let runID, let total, let alreadyStored):
                state.runStarted = true
                state.eventTotal = total
                let line = ProgressRenderer.startLine(runID: runID, total: total, alreadyStored: alreadyStored, pack: pack, agent: agent)
                printAbove(line, &state)
            case .conversationFinished(let taskID, let done, let total, let status, let detail):
                guard status == "failed" else { return }
                printAbove(ProgressRenderer.failureLine(taskID: taskID, done: done, total: total, reason: detail), &state)
            }
            if case .live = mode { drawLive(&state) }
        }
    }

    /// Stops the timer and prints the final progress line (in place of the live line on a
    /// terminal). Idempotent; prints nothing when the run never started (it threw before).
    func finish() {
        state.withLock { state in
            guard !state.finished else { return }
            state.finished = true
            state.timer?.cancel()
            state.timer = nil
            guard state.runStarted else { return }
            let line = ProgressRenderer.plainLine(snapshot(state), final: true)
            switch mode {
            case .live:
                clearLive(&state)
                Self.write(line + "\n", to: 2)
            case .plain:
                Self.printOut(line)
            }
        }
    }

    deinit {
        state.withLock { $0.timer?.cancel() }
    }

    // MARK: - Drawing (callers hold the lock)

    private func tick() {
        state.withLock { state in
            guard !state.finished, state.runStarted else { return }
            switch mode {
            case .live: drawLive(&state)
            case .plain: Self.printOut(ProgressRenderer.plainLine(snapshot(state)))
            }
        }
    }

    private func snapshot(_ state: State) -> RunMeterSnapshot {
        var s = meter.snapshot()
        if s.total == 0 { s.total = state.eventTotal }
        return s
    }

    /// Prints `line` on stdout; on a terminal, first takes the live line away (it is redrawn after).
    private func printAbove(_ line: String, _ state: inout State) {
        if case .live = mode { clearLive(&state) }
        Self.printOut(line)
    }

    private func drawLive(_ state: inout State) {
        guard case .live(let colour, let dumb) = mode, state.runStarted else { return }
        // One column short of the width, so the cursor never reaches the last column and wraps.
        let line = ProgressRenderer.liveLine(snapshot(state), width: Self.terminalColumns() - 1, colour: colour)
        if dumb {
            // No erase-line on a dumb terminal: blank out what the last line left with spaces.
            let columns = line.unicodeScalars.count
            Self.write("\r" + line + String(repeating: " ", count: max(0, state.liveWidth - columns)), to: 2)
            state.liveWidth = columns
        } else {
            Self.write("\r" + line + "\u{1B}[K", to: 2)
            state.liveWidth = max(1, line.unicodeScalars.count)
        }
    }

    private func clearLive(_ state: inout State) {
        guard state.liveWidth > 0, case .live(_, let dumb) = mode else { return }
        Self.write(dumb ? "\r" + String(repeating: " ", count: state.liveWidth) + "\r" : "\r\u{1B}[K", to: 2)
        state.liveWidth = 0
    }

    // MARK: - Output

    /// Prints a line on stdout and flushes it, so it lands before the next live line on stderr.
    private static func printOut(_ line: String) {
        print(line)
        fflush(nil)
    }

    /// Writes `text` to a file descriptor unbuffered (stderr here: no stdio buffer to flush).
    private static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                #if canImport(Glibc)
                Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                Darwin.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
            }
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    /// The terminal's width in columns: the tty's size, else `COLUMNS`, else 80.
    private static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return 80
    }
}
