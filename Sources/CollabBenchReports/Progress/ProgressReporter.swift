import CollabBenchCore
import Foundation
import Synchronization

/// Shows a run's progress: the runner's ``RunProgress`` events and the counters of its
/// ``RunMeter``, drawn with ``ProgressRenderer``.
///
/// On a terminal (`isTerminal`, no `noProgress`): a live status line, redrawn four times a second,
/// coloured unless `NO_COLOR` is set or `TERM=dumb`; the start line and each failed conversation
/// print above it as lines; ``finish()`` replaces it with a final plain line. Otherwise (logs, CI,
/// `--no-progress`): plain lines only: the start line, one line per failed conversation, a
/// progress line every `interval` seconds and a final one.
///
/// The reporter keeps no counters: what it shows comes from the events and the meter (only the
/// start event's total stands in while the meter's is not set yet). Where it writes is a
/// ``ProgressOutput`` (stdout and stderr by default), so a server can send the lines elsewhere.
///
/// ```swift
/// let reporter = ProgressReporter(meter: meter, agent: "openai/m [base]", pack: "math", noProgress: false, interval: 30)
/// reporter.start()
/// defer { reporter.finish() }
/// let summary = try await runner.run { reporter.handle($0) }
/// ```
public final class ProgressReporter: Sendable {
    /// How progress is shown.
    public enum Mode: Sendable, Equatable {
        /// A redrawn status line on a terminal (`dumb`: no erase-line escape).
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
        /// The total the `.started` event gave, shown while the meter's total is not set yet.
        var eventTotal = 0
    }

    private let meter: RunMeter
    private let agent: String
    private let pack: String
    private let interval: Double
    private let output: any ProgressOutput
    /// How this reporter shows progress.
    public let mode: Mode
    private let state = Mutex(State())

    /// Live redraws per second at most.
    public static let redrawsPerSecond = 4.0

    /// Creates a reporter; nothing is written until the run's `.started` event.
    ///
    /// - Parameters:
    ///   - meter: the run's meter, read for every progress line.
    ///   - agent: the agent under test, as shown in the start line.
    ///   - pack: the task pack's name.
    ///   - noProgress: `--no-progress`: plain lines even on a terminal.
    ///   - interval: seconds between plain progress lines (`--progress-interval`); 0 or less: only
    ///     the final line.
    ///   - environment: the process environment (`NO_COLOR`, `TERM`).
    ///   - isTerminal: whether the output's terminal is one; default: whether stderr is a tty.
    ///   - output: where lines and the live line go; default stdout and stderr.
    public init(
        meter: RunMeter, agent: String, pack: String, noProgress: Bool, interval: Double,
        environment: [String: String] = ProcessInfo.processInfo.environment, isTerminal: Bool = StandardProgressOutput.stderrIsTerminal,
        output: any ProgressOutput = StandardProgressOutput()
    ) {
        self.meter = meter
        self.agent = agent
        self.pack = pack
        self.interval = interval
        self.output = output
        self.mode = Self.mode(noProgress: noProgress, environment: environment, isTerminal: isTerminal)
    }

    /// The display for these settings. Colour follows no-color.org: a non-empty `NO_COLOR` turns it off.
    public static func mode(noProgress: Bool, environment: [String: String], isTerminal: Bool) -> Mode {
        guard isTerminal && !noProgress else { return .plain }
        let dumb = environment["TERM"] == "dumb"
        let noColour = !(environment["NO_COLOR"] ?? "").isEmpty
        return .live(colour: !noColour && !dumb, dumb: dumb)
    }

    /// Starts the timer that redraws the live line or writes the periodic plain lines.
    public func start() {
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

    /// Handles one event of the runner: writes the start line and each failure.
    public func handle(_ event: RunProgress) {
        state.withLock { state in
            guard !state.finished else { return }
            switch event {
            case .started(let runID, let total, let alreadyStored):
                state.runStarted = true
                state.eventTotal = total
                let line = ProgressRenderer.startLine(runID: runID, total: total, alreadyStored: alreadyStored, pack: pack, agent: agent)
                printAbove(line, &state)
            case .conversationFinished(let taskID, let done, let total, let status, let detail):
                guard status == .failed else { return }
                printAbove(ProgressRenderer.failureLine(taskID: taskID, done: done, total: total, reason: detail), &state)
            }
            if case .live = mode { drawLive(&state) }
        }
    }

    /// Stops the timer and writes the final progress line (in place of the live line on a
    /// terminal). Idempotent; writes nothing when the run never started (it threw before).
    public func finish() {
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
                output.writeTerminal(line + "\n")
            case .plain:
                output.printLine(line)
            }
        }
    }

    deinit {
        state.withLock { $0.timer?.cancel() }
    }

    // MARK: - Drawing

    /// One beat of the timer: redraws the live line or writes a plain progress line.
    func tick() {
        state.withLock { state in
            guard !state.finished, state.runStarted else { return }
            switch mode {
            case .live: drawLive(&state)
            case .plain: output.printLine(ProgressRenderer.plainLine(snapshot(state)))
            }
        }
    }

    private func snapshot(_ state: State) -> RunMeterSnapshot {
        var s = meter.snapshot()
        if s.total == 0 { s.total = state.eventTotal }
        return s
    }

    /// Writes `line`; on a terminal, first takes the live line away (it is redrawn after).
    private func printAbove(_ line: String, _ state: inout State) {
        if case .live = mode { clearLive(&state) }
        output.printLine(line)
    }

    private func drawLive(_ state: inout State) {
        guard case .live(let colour, let dumb) = mode, state.runStarted else { return }
        // One column short of the width, so the cursor never reaches the last column and wraps.
        let line = ProgressRenderer.liveLine(snapshot(state), width: output.terminalColumns() - 1, colour: colour)
        if dumb {
            // No erase-line on a dumb terminal: blank out what the last line left with spaces.
            let columns = line.unicodeScalars.count
            output.writeTerminal("\r" + line + String(repeating: " ", count: max(0, state.liveWidth - columns)))
            state.liveWidth = columns
        } else {
            output.writeTerminal("\r" + line + "\u{1B}[K")
            state.liveWidth = max(1, line.unicodeScalars.count)
        }
    }

    private func clearLive(_ state: inout State) {
        guard state.liveWidth > 0, case .live(_, let dumb) = mode else { return }
        output.writeTerminal(dumb ? "\r" + String(repeating: " ", count: state.liveWidth) + "\r" : "\r\u{1B}[K")
        state.liveWidth = 0
    }
}
