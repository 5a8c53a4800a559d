import CollabBenchCore
import CollabBenchReports
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ProgressRendererTests {
    /// The example run: 412 of 1000 done, 2 failed, 3m02s in.
    static func midRun() -> RunMeterSnapshot {
        var s = RunMeterSnapshot()
        s.total = 1000
        s.done = 412
        s.failed = 2
        s.inFlight = 16
        s.calls = 6952
        s.cachedCalls = 120
        s.inputTokens = 1_234_567
        s.outputTokens = 210_000
        s.costUSD = 3.4149
        s.elapsedSeconds = 182
        return s
    }

    static func columns(_ line: String) -> Int { line.unicodeScalars.count }

    // MARK: - Live line

    @Test func liveLineShowsEveryPartWhenWide() {
        let line = ProgressRenderer.liveLine(Self.midRun(), width: 200, colour: false)
        #expect(line.hasPrefix("▕"))
        for part in ["412/1000", "16 in flight", "38.2 calls/s", "120 cached", "1.2M tok in / 210k out", "$3.41", "2 failed", "ETA 4m20s"] {
            #expect(line.contains(part), "\(part) missing from \(line)")
        }
        #expect(!line.contains("+?"))
        #expect(Self.columns(line) <= 200)
    }

    @Test(arguments: [1, 5, 8, 20, 40, 60, 79, 99, 119, 150])
    func liveLineFitsTheWidth(width: Int) {
        let line = ProgressRenderer.liveLine(Self.midRun(), width: width, colour: false)
        #expect(Self.columns(line) <= width, "\(line)")
        #expect(!line.contains("\r") && !line.contains("\n"))
        // The count stays as long as it fits.
        if width >= 8 { #expect(line.contains("412/1000"), "\(line)") }
    }

    @Test func narrowLinesDropTheLeastImportantPartsFirst() {
        let line = ProgressRenderer.liveLine(Self.midRun(), width: 40, colour: false)
        #expect(line.contains("2 failed") && line.contains("ETA"), "\(line)")
        #expect(!line.contains("tok in") && !line.contains("cached") && !line.contains("▕"), "\(line)")
        let tiny = ProgressRenderer.liveLine(Self.midRun(), width: 5, colour: false)
        #expect(tiny == "412/…")
    }

    @Test func eightyColumnsKeepTheBarOverTokens() {
        let line = ProgressRenderer.liveLine(Self.midRun(), width: 79, colour: false)
        #expect(line.hasPrefix("▕") && line.contains("calls/s") && !line.contains("tok in"), "\(line)")
    }

    @Test func barShowsTheFractionDone() {
        var s = RunMeterSnapshot()
        s.total = 4
        s.done = 2
        s.elapsedSeconds = 10
        let line = ProgressRenderer.liveLine(s, width: 200, colour: false)
        #expect(line.hasPrefix("▕" + String(repeating: "█", count: 10) + String(repeating: "░", count: 10) + "▏ 2/4"), "\(line)")
    }

    @Test func noEscapesWithoutColour() {
        for width in [30, 80, 200] {
            let line = ProgressRenderer.liveLine(Self.midRun(), width: width, colour: false)
            #expect(!line.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(line)")
        }
        #expect(!ProgressRenderer.plainLine(Self.midRun()).unicodeScalars.contains { $0.properties.generalCategory == .control })
    }

    @Test func colourMarksFailuresRedAndTakesNoColumns() {
        let plain = ProgressRenderer.liveLine(Self.midRun(), width: 200, colour: false)
        let coloured = ProgressRenderer.liveLine(Self.midRun(), width: 200, colour: true)
        #expect(coloured.contains("\u{1B}[1;31m2 failed\u{1B}[0m"), "\(coloured)")
        #expect(coloured.contains("\u{1B}[32m█"))
        // Stripping the escapes gives back the uncoloured line: same parts, same width.
        #expect(Self.stripANSI(coloured) == plain)
        let narrow = ProgressRenderer.liveLine(Self.midRun(), width: 50, colour: true)
        #expect(Self.columns(Self.stripANSI(narrow)) <= 50)
    }

    @Test func noFailedPartWithoutFailures() {
        var s = Self.midRun()
        s.failed = 0
        #expect(!ProgressRenderer.liveLine(s, width: 200, colour: true).contains("failed"))
        #expect(ProgressRenderer.plainLine(s).contains(", 0 failed,"))
    }

    // MARK: - Cost

    @Test func costUnknownWhenEveryPaidCallWasUnpriced() {
        var s = Self.midRun()
        s.costUSD = 0
        s.unpricedCalls = s.calls - s.cachedCalls
        #expect(ProgressRenderer.cost(s) == "cost unknown")
        #expect(ProgressRenderer.liveLine(s, width: 200, colour: false).contains("cost unknown"))
        #expect(ProgressRenderer.plainLine(s).contains(", cost unknown,"))
        #expect(!ProgressRenderer.plainLine(s).contains("$"))
    }

    @Test func costMarkedWhenSomeCallsWereUnpriced() {
        var s = Self.midRun()
        s.unpricedCalls = 17
        #expect(ProgressRenderer.cost(s) == "$3.41+?")
        #expect(ProgressRenderer.liveLine(s, width: 200, colour: false).contains("$3.41+?"))
        #expect(ProgressRenderer.plainLine(s).contains("cost $3.41+? (17 calls unpriced)"))
    }

    @Test func costFormats() {
        var s = RunMeterSnapshot()
        #expect(ProgressRenderer.cost(s) == "$0.00")
        s.calls = 3
        s.cachedCalls = 3
        #expect(ProgressRenderer.cost(s) == "$0.00")  // cache hits cost nothing, and are known to
        s.calls = 4
        s.costUSD = 0.00421
        #expect(ProgressRenderer.cost(s) == "$0.0042")
        s.costUSD = 1234.5
        #expect(ProgressRenderer.cost(s) == "$1234.50")
    }

    // MARK: - ETA

    @Test func noETABeforeTheFirstConversation() {
        var s = RunMeterSnapshot()
        s.total = 1000
        s.inFlight = 16
        s.calls = 40
        s.elapsedSeconds = 12
        #expect(!ProgressRenderer.liveLine(s, width: 200, colour: false).contains("ETA"))
        #expect(!ProgressRenderer.plainLine(s).contains("ETA"))
        s.done = 1
        #expect(ProgressRenderer.plainLine(s).hasSuffix(", ETA 3h19m"))  // 12 s × 999 = 3h19m48s
    }

    @Test func finalLineHasNoETA() {
        let line = ProgressRenderer.plainLine(Self.midRun(), final: true)
        #expect(!line.contains("ETA"))
        #expect(line.hasSuffix("elapsed 3m02s"))
    }

    // MARK: - Plain line

    @Test func plainLineWording() {
        #expect(
            ProgressRenderer.plainLine(Self.midRun())
                == "progress 412/1000 conversations, 16 in flight, 2 failed, 7k calls (120 cached), 38.2 calls/s, tokens 1.2M in / 210k out, cost $3.41, elapsed 3m02s, ETA 4m20s"
        )
    }

    // MARK: - Formats

    @Test func compactNumbers() {
        let cases: [(Int, String)] = [
            (0, "0"), (999, "999"), (1000, "1k"), (1234, "1.2k"), (1250, "1.3k"), (12_345, "12.3k"), (99_949, "99.9k"),
            (99_950, "100k"), (123_456, "123k"), (210_000, "210k"), (999_499, "999k"), (999_600, "1M"),
            (1_234_567, "1.2M"), (56_780_000, "56.8M"), (3_400_000_000, "3.4G"), (-1234, "-1.2k"),
        ]
        for (n, text) in cases { #expect(ProgressRenderer.compact(n) == text, "\(n)") }
    }

    @Test func durations() {
        let cases: [(Double, String)] = [
            (0, "0s"), (42.4, "42s"), (59.6, "1m00s"), (252, "4m12s"), (3600, "1h00m"), (3900, "1h05m"), (-3, "0s"), (.infinity, "?"),
        ]
        for (seconds, text) in cases { #expect(ProgressRenderer.duration(seconds) == text, "\(seconds)") }
    }

    // MARK: - Untrusted text

    @Test func failureLineSanitisesTheTaskIDAndReason() {
        let line = ProgressRenderer.failureLine(taskID: "math-1\u{1B}[2J\u{1B}]0;pwned\u{07}", done: 3, total: 10, reason: "HTTP 500\nbody \u{1B}[31mred")
        #expect(!line.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(line)")
        #expect(line.hasPrefix("failed math-1 [2J ]0;pwned  (3/10): HTTP 500 body  [31mred"), "\(line)")
    }

    @Test func failureLineCutsALongReason() {
        let line = ProgressRenderer.failureLine(taskID: "t", done: 1, total: 1, reason: String(repeating: "x", count: 5000))
        #expect(line.unicodeScalars.count < 450)
        #expect(line.hasSuffix("x…"))
    }

    @Test func startLineSanitisesNames() {
        let line = ProgressRenderer.startLine(runID: "run-1", total: 40, alreadyStored: 10, pack: "math\u{1B}[2J", agent: "openai/m\u{202E}")
        #expect(line == "Run run-1: 40 conversations of pack math [2J with agent openai/m  (10 already stored)")
    }

    // MARK: - Helpers

    /// `text` without `ESC [ ... m` sequences.
    static func stripANSI(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
