import CollabBenchCore
import CollabBenchReports
import Synchronization
import Testing

/// The reporter's lines for the events of a run, written to a recording output. No timer is
/// started: every line here comes from an event or from `finish()`.
@Suite(.timeLimit(.minutes(5)))
struct ProgressReporterTests {
    /// An output that keeps what is written.
    final class Recorder: ProgressOutput {
        enum Write: Equatable {
            case line(String)
            case terminal(String)
        }

        private let writes = Mutex<[Write]>([])
        let columns: Int

        init(columns: Int = 100) { self.columns = columns }

        var all: [Write] { writes.withLock { $0 } }
        var lines: [String] { all.compactMap { if case .line(let l) = $0 { l } else { nil } } }
        var terminal: [String] { all.compactMap { if case .terminal(let t) = $0 { t } else { nil } } }

        func printLine(_ line: String) { writes.withLock { $0.append(.line(line)) } }
        func writeTerminal(_ text: String) { writes.withLock { $0.append(.terminal(text)) } }
        func terminalColumns() -> Int { columns }
    }

    static func reporter(_ meter: RunMeter, _ output: Recorder, terminal: Bool, environment: [String: String] = [:]) -> ProgressReporter {
        ProgressReporter(
            meter: meter, agent: "openai/m [base]", pack: "math", noProgress: false, interval: 0, environment: environment,
            isTerminal: terminal, output: output)
    }

    @Test func modeFollowsTheTerminalAndTheEnvironment() {
        #expect(ProgressReporter.mode(noProgress: false, environment: [:], isTerminal: true) == .live(colour: true, dumb: false))
        #expect(
            ProgressReporter.mode(noProgress: false, environment: ["NO_COLOR": "1"], isTerminal: true) == .live(colour: false, dumb: false))
        #expect(
            ProgressReporter.mode(noProgress: false, environment: ["NO_COLOR": ""], isTerminal: true) == .live(colour: true, dumb: false))
        #expect(
            ProgressReporter.mode(noProgress: false, environment: ["TERM": "dumb"], isTerminal: true) == .live(colour: false, dumb: true))
        #expect(ProgressReporter.mode(noProgress: true, environment: [:], isTerminal: true) == .plain)
        #expect(ProgressReporter.mode(noProgress: false, environment: [:], isTerminal: false) == .plain)
    }

    @Test func plainLinesSayTheStartEachFailureAndTheEnd() {
        let meter = RunMeter()
        let output = Recorder()
        let reporter = Self.reporter(meter, output, terminal: false)
        meter.setTotal(3)
        reporter.handle(.started(runID: "run-x", total: 3, alreadyStored: 1))
        for (i, status) in [ConversationStatus.completed, .failed, .completed].enumerated() {
            meter.conversationStarted()
            meter.conversationFinished(failed: status == .failed)
            reporter.handle(
                .conversationFinished(
                    taskID: "t\(i)", done: i + 1, total: 3, status: status, detail: status == .failed ? "HTTP 500" : "accuracy=1.000"))
        }
        reporter.finish()
        reporter.finish()
        reporter.handle(.conversationFinished(taskID: "late", done: 4, total: 3, status: .failed, detail: "after the end"))
        let lines = output.lines
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.first == "Run run-x: 3 conversations of pack math with agent openai/m [base] (1 already stored)")
        #expect(lines.dropFirst().first == "failed t1 (2/3): HTTP 500")
        #expect(lines.last?.hasPrefix("progress 3/3 conversations, 0 in flight, 1 failed, 0 calls") == true, "\(lines)")
        #expect(lines.last?.contains("ETA") == false)
        #expect(output.terminal.isEmpty)
    }

    @Test func theStartEventsTotalStandsInUntilTheMetersIsSet() {
        let output = Recorder()
        let reporter = Self.reporter(RunMeter(), output, terminal: false)
        reporter.handle(.started(runID: "r", total: 5, alreadyStored: 0))
        reporter.finish()
        #expect(output.lines.last?.hasPrefix("progress 0/5 conversations") == true, "\(output.lines)")
    }

    @Test func nothingIsWrittenForARunThatNeverStarted() {
        let output = Recorder()
        let reporter = Self.reporter(RunMeter(), output, terminal: true)
        reporter.finish()
        #expect(output.all.isEmpty)
    }

    @Test func onATerminalTheLiveLineIsTakenAwayForEachLineAndReplacedAtTheEnd() {
        let meter = RunMeter()
        let output = Recorder(columns: 60)
        let reporter = Self.reporter(meter, output, terminal: true, environment: ["NO_COLOR": "1"])
        meter.setTotal(2)
        reporter.handle(.started(runID: "run-x", total: 2, alreadyStored: 0))
        meter.conversationStarted()
        meter.conversationFinished(failed: true)
        reporter.handle(.conversationFinished(taskID: "t0", done: 1, total: 2, status: .failed, detail: "boom"))
        reporter.finish()
        let all = output.all
        // Start line, live line; erase, failure line, live line; erase, final line on the terminal.
        #expect(all.count == 7, "\(all)")
        #expect(all.first == .line("Run run-x: 2 conversations of pack math with agent openai/m [base]"))
        guard all.count == 7, case .terminal(let live) = all[1], case .terminal(let final) = all[6] else { return }
        #expect(live.hasPrefix("\r▕") && live.hasSuffix("\u{1B}[K") && live.contains("0/2"), "\(live)")
        #expect(live.unicodeScalars.count - 4 <= 59)  // "\r", ESC [ K take no columns
        #expect(all[2] == .terminal("\r\u{1B}[K"))
        #expect(all[3] == .line("failed t0 (1/2): boom"))
        #expect(all[5] == .terminal("\r\u{1B}[K"))
        #expect(final.hasPrefix("progress 1/2 conversations, 0 in flight, 1 failed") && final.hasSuffix("\n"), "\(final)")
    }

    @Test func aDumbTerminalIsClearedWithSpaces() {
        let output = Recorder(columns: 80)
        let reporter = Self.reporter(RunMeter(), output, terminal: true, environment: ["TERM": "dumb"])
        reporter.handle(.started(runID: "r", total: 1, alreadyStored: 0))
        reporter.handle(.conversationFinished(taskID: "t", done: 1, total: 1, status: .failed, detail: "x"))
        let terminal = output.terminal
        #expect(terminal.count == 3, "\(terminal)")
        #expect(terminal.allSatisfy { !$0.contains("\u{1B}") })
        guard terminal.count == 3 else { return }
        let width = terminal[0].unicodeScalars.count - 1
        #expect(terminal[1] == "\r" + String(repeating: " ", count: width) + "\r")
    }
}
