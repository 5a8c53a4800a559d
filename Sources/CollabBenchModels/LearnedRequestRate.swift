/// The request rate a budget learns from a server that refuses calls (HTTP 429) without saying
/// what its limit is.
///
/// The estimate rests on one fact about a token-bucket server: right when it refuses a call, its
/// bucket is empty. Between two refusals, then, it accepted exactly what it refilled, so
/// *calls accepted between two refusals ÷ the time between them* is its rate, whatever the client
/// sent in between and however large the server's burst. Calls are counted when they are sent; a
/// refusal that arrives in the same burst as an earlier one (while its `Retry-After` pause holds,
/// or within a quarter second) belongs to that refusal's moment.
///
/// - Before the second refusal there is nothing to measure: the rate starts at half the rate
///   calls were sent at in the last second and grows by 10 % a second, so the second refusal comes
///   soon.
/// - Each later refusal measures the rate over the window from the oldest refusal within the
///   horizon (a minute, or the time ~400 calls take at the rate, at most ten minutes: longer
///   windows, smaller errors) and holds 2 % below it. From there the rate grows per call sent by
///   1/n² for a window of n accepted calls (its relative error is about 1/n, made up within about
///   n calls), and by at least 0.01 %: once windows hold a hundred calls the next refusal comes
///   only after some 400, and a server that raises its limit is followed (slowly: doubling takes
///   ~7,000 calls).
/// - The rate grows only while the budget is what holds callers back; an idle budget does not
///   drift upwards.
///
/// Times are seconds on the owning budget's clock.
struct LearnedRequestRate: Sendable {
    /// Requests per second to hold to; nil until the first refusal.
    private(set) var perSecond: Double?
    /// True until a refusal has been measured against an earlier one.
    private(set) var measured = false
    /// Calls sent, and calls refused, since the budget was created.
    private var sent = 0
    private var refused = 0
    /// Recent refusal moments and the counts of calls sent, and of those accepted, before each.
    private var moments: [(time: Double, accepted: Int, sent: Int)] = []
    /// The accepted rate the last measurement found.
    private var lastAccepted: Double?
    /// Accepted calls between the last measured refusals.
    private var gaps: [Int] = []
    /// Refusals teach nothing until this many calls have been sent (after giving up).
    private var quietUntilSent = 0
    /// Gaps of at most this many calls, not growing three times running, mean refusals the rate
    /// does not cause.
    private static let strayGap = 50
    /// Refusals before this time belong to the last moment.
    private var momentUntil = -Double.infinity
    /// Calls sent in each tenth of a second of the last second: `(tenth, count)` by `tenth % 10`
    /// (a fixed ring, so counting a send costs the same at any rate).
    private var recentSends = [(tenth: Int, count: Int)](repeating: (-1, 0), count: 10)
    /// When the rate last grew, and until when a caller waits on the budget.
    private var grownAt = 0.0
    private var boundUntil = -Double.infinity

    /// How far back a measurement window reaches at least, and at most.
    static let horizonSeconds = 60.0
    static let longestHorizonSeconds = 600.0
    /// A window reaches back far enough to hold about this many calls (when the horizon allows).
    private static let callsPerWindow = 400.0
    /// The rate never goes below one request a minute.
    static let minimumPerSecond = 1.0 / 60
    private static let margin = 0.02
    private static let probeGrowthPerSecond = 0.10
    private static let leastGrowthPerCall = 0.0001
    /// Growth per call sent since the last measurement.
    private var growthPerCall = 0.0

    /// A budget that has learnt nothing (counting from `sent` calls and `refused` refusals).
    init(sent: Int = 0, refused: Int = 0, quietUntilSent: Int = 0) {
        self.sent = sent
        self.refused = refused
        self.quietUntilSent = quietUntilSent
    }

    /// Counts a call sent at `time`.
    mutating func recordSend(at time: Double) {
        sent += 1
        if measured, let rate = perSecond, time <= boundUntil + 1 { perSecond = rate * (1 + growthPerCall) }
        let tenth = Int((time * 10).rounded(.down))
        let slot = ((tenth % 10) + 10) % 10
        if recentSends[slot].tenth == tenth { recentSends[slot].count += 1 } else { recentSends[slot] = (tenth, 1) }
    }

    /// Notes that a caller waits on the budget until `time` (the rate may grow while it does).
    mutating func recordBound(until time: Double) {
        boundUntil = max(boundUntil, time)
    }

    /// Learns from a refusal that arrived at `time`, with the server's `Retry-After` if it sent one.
    mutating func recordRefusal(at time: Double, retryAfter: Double?) {
        refused += 1
        guard sent >= quietUntilSent else { return }
        if time < momentUntil, !moments.isEmpty {
            // Sent before the server's bucket ran dry, refused with the refusal before it.
            moments[moments.count - 1].accepted -= 1
            return
        }
        momentUntil = time + max(0.25, retryAfter ?? 0)
        let accepted = sent - refused
        moments.removeAll { time - $0.time > Self.longestHorizonSeconds }
        let horizon = min(Self.longestHorizonSeconds, max(Self.horizonSeconds, Self.callsPerWindow / (perSecond ?? 1)))
        if let first = moments.first(where: { time - $0.time <= horizon }), time - first.time >= 0.5 {
            let rate = Double(accepted - first.accepted) / (time - first.time)
            // Since the last refusal: the calls made and how fast they went.
            let last = moments[moments.count - 1]
            let calls = Double(max(1, accepted - last.accepted))
            growthPerCall = max(Self.leastGrowthPerCall, 1 / (calls * calls))
            // Against a token bucket, each lowering makes the next refusal come later. Refusals
            // that keep coming every few calls however the rate is lowered are not the server's
            // rate (an overloaded server's stray 429s, one refusing every n-th call): give up
            // learning (the rate goes), and listen again after 1,000 calls.
            gaps = Array((gaps + [Int(calls)]).suffix(3))
            if gaps.count == 3, gaps.allSatisfy({ $0 <= Self.strayGap }), gaps[2] <= gaps[1], gaps[1] <= gaps[0] {
                self = LearnedRequestRate(sent: sent, refused: refused, quietUntilSent: sent + 1000)
                return
            }
            let sending = time > last.time ? Double(sent - last.sent) / (time - last.time) : .infinity
            // A token-bucket server refuses only calls sent faster than it accepts. A refusal while
            // the calls went no faster than the rate last measured is not one (an overloaded server's
            // stray 429, a server refusing every n-th call): lowering the rate again would only
            // shrink it towards nothing, so it stays.
            if let previous = lastAccepted, sending <= previous {
                // Not a measurement: the rate holds (and goes on growing per call).
            } else {
                perSecond = rate > 0 ? max(Self.minimumPerSecond, rate * (1 - Self.margin)) : max(Self.minimumPerSecond, (perSecond ?? 1) / 2)
                lastAccepted = rate
            }
            measured = true
        } else if !measured {
            let now = Int((time * 10).rounded(.down))
            let recent = Double(recentSends.filter { now - $0.tenth < 10 && $0.tenth <= now }.reduce(0) { $0 + $1.count })
            perSecond = max(Self.minimumPerSecond, min(perSecond ?? .infinity, max(1, recent) / 2))
        }
        moments.append((time, accepted, sent))
        grownAt = time
    }

    /// Before the first measurement, grows the rate for the time since it last grew, if callers
    /// were waiting on it (after it, the rate grows per call: ``recordSend(at:)``).
    mutating func grow(to time: Double) {
        guard let rate = perSecond, time > grownAt else { return }
        let seconds = time - grownAt
        grownAt = time
        guard !measured, time <= boundUntil + 1 else { return }
        perSecond = rate * (1 + Self.probeGrowthPerSecond * seconds)
    }
}
