import Foundation
import Synchronization

/// What a run has done so far: the counters a progress display and a budget read.
///
/// Cheap to read at any time (``RunMeter/snapshot()``); every field is a running total except
/// `inFlight`.
public struct RunMeterSnapshot: Sendable, Hashable {
    /// Conversations this invocation will run (already stored ones excluded).
    public var total = 0
    /// Conversations finished now (completed or failed).
    public var done = 0
    /// Of `done`, those that failed.
    public var failed = 0
    /// Conversations started and not yet finished.
    public var inFlight = 0
    /// Model calls answered (cache hits included).
    public var calls = 0
    /// Of `calls`, those answered from the response cache (nothing paid).
    public var cachedCalls = 0
    /// Prompt tokens of calls the servers answered, as they reported them.
    public var inputTokens = 0
    /// Completion tokens of calls the servers answered, as they reported them.
    public var outputTokens = 0
    /// Money spent on calls whose model has a price and whose server reported usage, in US dollars.
    public var costUSD = 0.0
    /// Calls that cost something unknown: no price for the model, or no usage in the reply.
    public var unpricedCalls = 0
    /// For priced calls whose reply carried no usage: their cost estimated from the text (about
    /// four bytes per token). Not part of `costUSD`; a budget counts it.
    public var estimatedUnreportedUSD = 0.0
    /// Seconds since the meter started.
    public var elapsedSeconds = 0.0

    /// Creates an empty snapshot.
    public init() {}

    /// Model calls per second so far.
    public var callsPerSecond: Double { elapsedSeconds > 0 ? Double(calls) / elapsedSeconds : 0 }

    /// Seconds left at the pace so far, or nil before the first conversation finishes.
    public var etaSeconds: Double? {
        guard done > 0, elapsedSeconds > 0 else { return nil }
        return elapsedSeconds / Double(done) * Double(max(0, total - done))
    }
}

/// Thread-safe running totals of one run: conversations, calls, tokens and cost.
///
/// The one owner of a run's progress counters: the runner counts conversations; ``MeteredChatModel``
/// counts calls. The runner also publishes ``RunProgress`` events; a display reads both and keeps
/// no counters of its own. Everything is O(1) memory.
public final class RunMeter: Sendable {
    private let state = Mutex(RunMeterSnapshot())
    private let started = ContinuousClock.now

    /// Creates a meter; its clock starts now.
    public init() {}

    /// The totals now.
    public func snapshot() -> RunMeterSnapshot {
        let elapsed = ContinuousClock.now - started
        var s = state.withLock { $0 }
        s.elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return s
    }

    /// Money spent so far, in US dollars.
    public var costUSD: Double { state.withLock { $0.costUSD } }

    /// What a budget counts: the known cost plus the estimate for priced calls without usage.
    public var spendForBudgetUSD: Double { state.withLock { $0.costUSD + $0.estimatedUnreportedUSD } }

    /// Sets how many conversations this invocation will run.
    public func setTotal(_ total: Int) { state.withLock { $0.total = total } }

    /// A conversation started.
    public func conversationStarted() { state.withLock { $0.inFlight += 1 } }

    /// A conversation finished (`failed` when it failed after retries).
    public func conversationFinished(failed: Bool) {
        state.withLock {
            $0.inFlight -= 1
            $0.done += 1
            if failed { $0.failed += 1 }
        }
    }

    /// A model call was answered. `cost` is nil when it is unknown; `estimatedCost` is the
    /// estimate for a priced call whose reply carried no usage.
    public func recordCall(cached: Bool, usage: TokenUsage?, cost: Double?, estimatedCost: Double? = nil) {
        state.withLock {
            if let estimatedCost { $0.estimatedUnreportedUSD += estimatedCost }
            $0.calls += 1
            if cached {
                $0.cachedCalls += 1
                return
            }
            if let usage {
                $0.inputTokens += usage.promptTokens
                $0.outputTokens += usage.completionTokens
            }
            if let cost { $0.costUSD += cost } else { $0.unpricedCalls += 1 }
        }
    }
}
