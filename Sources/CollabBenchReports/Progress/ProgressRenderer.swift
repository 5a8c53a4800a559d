import CollabBenchCore

/// The text of a run's progress display: a live status line for a terminal and a plain line for logs.
///
/// Pure functions of a ``RunMeterSnapshot``; nothing here reads the clock or writes anywhere.
///
/// ```swift
/// ProgressRenderer.liveLine(meter.snapshot(), width: 99, colour: true)
/// // ▕████████░░░░░░░░░░░░▏ 412/1000 · 16 in flight · 38.2 calls/s · 1.2M tok in / 210k out · $3.41 · ETA 4m12s
/// ProgressRenderer.plainLine(meter.snapshot())
/// // progress 412/1000 conversations, 16 in flight, 2 failed, 5.3k calls, 38.2 calls/s, tokens 1.2M in / 210k out, ...
/// ```
public enum ProgressRenderer {
    /// Widest progress bar, in cells between its end marks.
    static let barCells = 20
    /// Narrowest bar worth drawing; below this the bar is left out.
    static let minBarCells = 6
    /// Where the bar ranks among the live line's parts (see ``liveLine(_:width:colour:)``).
    static let barPriority = 45
    /// Longest failure reason a failure line keeps, in Unicode scalars.
    static let maxReasonLength = 400
    static let separator = " · "

    // MARK: - Live line

    /// The one-line status for a terminal, at most `width` columns wide.
    ///
    /// The bar takes the room left (up to 20 cells). Parts are dropped, least important first
    /// (cached calls, tokens, the bar once it is down to 6 cells, calls/s, in flight, cost, ETA,
    /// failures) until the line fits; the `done/total` count stays, cut with "…" only when `width`
    /// cannot hold even that. ANSI colour escapes (which take no columns) are added only when
    /// `colour` is true. The line has no carriage return and no newline. Every character is one
    /// column wide on terminals that give East Asian ambiguous characters (`▕ █ ░ ▏ ·`) one column.
    ///
    /// - Parameters:
    ///   - snapshot: the run's counters now.
    ///   - width: columns available; pass one less than the terminal's width so the cursor never
    ///     reaches the last column and wraps.
    ///   - colour: whether to add ANSI colour (failures red, bar green, cost yellow).
    /// - Returns: the status line.
    public static func liveLine(_ snapshot: RunMeterSnapshot, width: Int, colour: Bool) -> String {
        let s = snapshot
        // Display order, each with its priority: higher stays longer when the width is short.
        var parts: [(priority: Int, segment: Segment)] = [(100, Segment("\(s.done)/\(s.total)", .bold))]
        parts.append((60, Segment("\(s.inFlight) in flight")))
        parts.append((50, Segment("\(rate(s.callsPerSecond)) calls/s")))
        if s.cachedCalls > 0 { parts.append((30, Segment("\(compact(s.cachedCalls)) cached", .dim))) }
        parts.append((40, Segment("\(compact(s.inputTokens)) tok in / \(compact(s.outputTokens)) out")))
        let costText = cost(s)
        parts.append((70, Segment(costText, costText == "cost unknown" || costText.hasSuffix("+?") ? .yellow : .none)))
        if s.failed > 0 { parts.append((90, Segment("\(s.failed) failed", .red))) }
        if let eta = s.etaSeconds, s.done < s.total { parts.append((80, Segment("ETA \(duration(eta))", .cyan))) }

        let limit = max(1, width)
        var kept = parts
        var withBar = true
        while true {
            let textWidth = kept.reduce(0) { $0 + $1.segment.width } + separator.count * (kept.count - 1)
            let room = limit - textWidth - 3  // "▕" + "▏" + " "
            if withBar && room >= minBarCells {
                let bar = progressBar(done: s.done, total: s.total, cells: min(barCells, room), colour: colour)
                return bar + " " + join(kept.map(\.segment), colour: colour)
            }
            if !withBar && textWidth <= limit { return join(kept.map(\.segment), colour: colour) }
            // Drop the least important part: the bar ranks between tokens and calls/s.
            let drop = kept.indices.dropFirst().min { kept[$0].priority < kept[$1].priority }
            if withBar && (drop == nil || kept[drop!].priority > barPriority) {
                withBar = false
            } else if let drop {
                kept.remove(at: drop)
            } else {
                return join([Segment(truncate(kept[0].segment.text, to: limit), .bold)], colour: colour)
            }
        }
    }

    // MARK: - Plain lines

    /// The periodic progress line for logs: no ANSI escapes, no carriage return, no newline.
    ///
    /// Its wording is stable so a log reader can grep it: it starts with `progress <done>/<total>
    /// conversations`, then `<n> in flight`, `<n> failed`, `<n> calls` (with `(<n> cached)` when
    /// some were), `<x> calls/s`, `tokens <n> in / <n> out`, `cost <amount>` (`cost unknown` when
    /// no call had a price, `$x+? (<n> calls unpriced)` when some had none), `elapsed <duration>`
    /// and, while it is known and the run is not over, `ETA <duration>`.
    ///
    /// - Parameters:
    ///   - snapshot: the run's counters now.
    ///   - final: true for the last line of a run: leaves out the ETA.
    /// - Returns: the line.
    public static func plainLine(_ snapshot: RunMeterSnapshot, final: Bool = false) -> String {
        let s = snapshot
        var fields = ["progress \(s.done)/\(s.total) conversations", "\(s.inFlight) in flight", "\(s.failed) failed"]
        fields.append("\(compact(s.calls)) calls" + (s.cachedCalls > 0 ? " (\(compact(s.cachedCalls)) cached)" : ""))
        fields.append("\(rate(s.callsPerSecond)) calls/s")
        fields.append("tokens \(compact(s.inputTokens)) in / \(compact(s.outputTokens)) out")
        let costText = cost(s)
        if costText == "cost unknown" {
            fields.append(costText)
        } else {
            fields.append("cost \(costText)" + (s.unpricedCalls > 0 ? " (\(compact(s.unpricedCalls)) calls unpriced)" : ""))
        }
        fields.append("elapsed \(duration(s.elapsedSeconds))")
        if !final, let eta = s.etaSeconds, s.done < s.total { fields.append("ETA \(duration(eta))") }
        return fields.joined(separator: ", ")
    }

    /// The line that opens a run, with every name made safe for a terminal.
    ///
    /// - Parameters:
    ///   - runID: the run's id.
    ///   - total: conversations this invocation will run.
    ///   - alreadyStored: conversations of the run stored before (a continued run).
    ///   - pack: the task pack's name.
    ///   - agent: the agent under test, as shown to the user.
    /// - Returns: e.g. `Run run-x: 40 conversations of pack math with agent openai/m (10 already stored)`.
    public static func startLine(runID: String, total: Int, alreadyStored: Int, pack: String, agent: String) -> String {
        let kept = alreadyStored > 0 ? " (\(alreadyStored) already stored)" : ""
        return TerminalText.sanitize("Run \(runID): \(total) conversations of pack \(pack) with agent \(agent)\(kept)")
    }

    /// The line for a conversation that failed, safe for a terminal; a long reason is cut.
    ///
    /// - Parameters:
    ///   - taskID: the task's id (untrusted: it comes from the pack).
    ///   - done: conversations finished so far, this one included.
    ///   - total: conversations this invocation will run.
    ///   - reason: why it failed (untrusted: it may quote a server's reply).
    /// - Returns: e.g. `failed math-12 (37/1000): HTTP 500 from http://host/v1`.
    public static func failureLine(taskID: String, done: Int, total: Int, reason: String) -> String {
        TerminalText.sanitize("failed \(taskID) (\(done)/\(total)): \(truncate(reason, to: maxReasonLength))")
    }

    // MARK: - Formats

    /// A duration as `42s`, `4m12s` or `1h05m` (rounded to the second; negative or non-finite
    /// values as `0s` and `?`).
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(max(0, seconds).rounded())
        if s >= 3600 { return "\(s / 3600)h\(twoDigits(s % 3600 / 60))m" }
        if s >= 60 { return "\(s / 60)m\(twoDigits(s % 60))s" }
        return "\(s)s"
    }

    /// A count in at most four significant characters: `999`, `1.2k` (1234), `12.3k`, `210k`,
    /// `1.2M` (1 234 567), `3.4G`; a trailing `.0` is left out (`1k`).
    public static func compact(_ n: Int) -> String {
        if n < 0 { return "-" + compact(n == .min ? .max : -n) }
        if n < 1000 { return "\(n)" }
        // Tenths of each unit, rounded half up; a value that rounds up to 1000 of a unit moves to the next.
        for (scale, unit) in [(1_000, "k"), (1_000_000, "M"), (1_000_000_000, "G")] {
            let tenth = scale / 10
            let tenths = n / tenth + (n % tenth * 2 >= tenth ? 1 : 0)
            if tenths < 1000 {
                return tenths % 10 == 0 ? "\(tenths / 10)\(unit)" : "\(tenths / 10).\(tenths % 10)\(unit)"
            }
            // 100 units and more: no decimals, rounded from the exact count.
            let whole = n / scale + (n % scale * 2 >= scale ? 1 : 0)
            if whole < 1000 || unit == "G" { return "\(whole)\(unit)" }
        }
        return "\(n)"
    }

    /// The money a run spent: `$3.41`, `$0.0042` below ten cents, `$3.41+?` when some calls had no
    /// price, `cost unknown` when every paid-for call had none, `$0.00` before any.
    public static func cost(_ snapshot: RunMeterSnapshot) -> String {
        let paidCalls = snapshot.calls - snapshot.cachedCalls
        if snapshot.unpricedCalls > 0 && snapshot.unpricedCalls >= paidCalls && snapshot.costUSD == 0 { return "cost unknown" }
        let usd = max(0, snapshot.costUSD)
        let amount = usd == 0 ? "$0.00" : usd < 0.1 ? "$" + fixed(usd, decimals: 4) : "$" + fixed(usd, decimals: 2)
        return snapshot.unpricedCalls > 0 ? amount + "+?" : amount
    }

    // MARK: - Helpers

    /// Calls per second: one decimal below 100, none above.
    static func rate(_ value: Double) -> String {
        guard value.isFinite, value > 0 else { return "0.0" }
        return value < 99.95 ? fixed(value, decimals: 1) : fixed(value, decimals: 0)
    }

    /// `value` (finite, not negative) with exactly `decimals` decimals, rounded half up, in any locale.
    static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * Double(scale)).rounded()
        guard scaled.isFinite, scaled < 9e15 else { return "\(value)" }
        let n = Int(scaled)
        guard decimals > 0 else { return "\(n)" }
        let fraction = String(n % scale)
        return "\(n / scale)." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// `text` cut to at most `length` Unicode scalars, the last one "…" when cut.
    static func truncate(_ text: String, to length: Int) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > length else { return text }
        guard length > 1 else { return length == 1 ? "…" : "" }
        return String(String.UnicodeScalarView(scalars.prefix(length - 1))) + "…"
    }

    static func progressBar(done: Int, total: Int, cells: Int, colour: Bool) -> String {
        let fraction = total > 0 ? min(1, max(0, Double(done) / Double(total))) : 0
        let filled = Int((fraction * Double(cells)).rounded(.down))
        let full = String(repeating: "█", count: filled)
        let empty = String(repeating: "░", count: cells - filled)
        return colour
            ? "▕" + Style.green.wrap(full) + Style.dim.wrap(empty) + "▏"
            : "▕" + full + empty + "▏"
    }

    static func join(_ segments: [Segment], colour: Bool) -> String {
        segments.map { colour ? $0.style.wrap($0.text) : $0.text }
            .joined(separator: colour ? Style.dim.wrap(separator) : separator)
    }

    /// A part of the live line and how to colour it.
    struct Segment {
        var text: String
        var style: Style
        /// Columns on a terminal: every character the renderer writes is one column wide.
        var width: Int { text.unicodeScalars.count }

        init(_ text: String, _ style: Style = .none) {
            self.text = text
            self.style = style
        }
    }

    /// ANSI SGR styles.
    enum Style: String {
        case none = ""
        case bold = "1"
        case dim = "2"
        case red = "1;31"
        case green = "32"
        case yellow = "33"
        case cyan = "36"

        func wrap(_ text: String) -> String {
            self == .none || text.isEmpty ? text : "\u{1B}[\(rawValue)m\(text)\u{1B}[0m"
        }
    }
}
