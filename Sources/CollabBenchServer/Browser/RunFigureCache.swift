import CollabBenchStore
import Synchronization

/// The run figures and conversation counts of the results browser, kept until the store changes
/// (its ``ResultStore/changeMarker()`` moves): a run's header (counts, mean score, cost, quality
/// figures: aggregates over every conversation, message and judge call of the run) and the number
/// of conversations a table filter matches are computed once per store change instead of on
/// every page. While a run writes, each write moves the marker and the next page recomputes them.
///
/// Values are read after the marker, so a cached value is never older than the marker it is kept
/// under (at worst newer, and then recomputed at the next change). Bounded: at most
/// ``maximumTotals`` filter counts are kept (then they are all dropped).
final class RunFigureCache: Sendable {
    /// The most filter counts kept per store state.
    static let maximumTotals = 256

    /// A count's key: the run and the filter (sort and paging do not change it).
    private struct TotalKey: Hashable {
        var runID: String
        var filter: ConversationFilter
    }

    private struct State {
        var marker: String?
        var overviews: [RunOverview]?
        var details: [String: RunDetail] = [:]
        var totals: [TotalKey: Int] = [:]
    }

    private let state = Mutex(State())

    /// The cached run list at `marker`, if any.
    func overviews(at marker: String) -> [RunOverview]? {
        state.withLock { $0.marker == marker ? $0.overviews : nil }
    }

    /// The cached figures of run `id` at `marker`, if any.
    func detail(_ id: String, at marker: String) -> RunDetail? {
        state.withLock { $0.marker == marker ? $0.details[id] : nil }
    }

    /// The cached number of `runID`'s conversations `filter` matches at `marker`, if any.
    func total(runID: String, filter: ConversationFilter, at marker: String) -> Int? {
        state.withLock { $0.marker == marker ? $0.totals[TotalKey(runID: runID, filter: filter)] : nil }
    }

    /// Keeps the run list read at `marker`.
    func keep(overviews: [RunOverview], at marker: String) {
        update(marker) { $0.overviews = overviews }
    }

    /// Keeps run `detail` read at `marker`.
    func keep(detail: RunDetail, at marker: String) {
        update(marker) { $0.details[detail.overview.id] = detail }
    }

    /// Keeps the count `total` read at `marker`.
    func keep(total: Int, runID: String, filter: ConversationFilter, at marker: String) {
        update(marker) { state in
            if state.totals.count >= Self.maximumTotals { state.totals = [:] }
            state.totals[TotalKey(runID: runID, filter: filter)] = total
        }
    }

    /// Applies `change` to the state of `marker`, dropping what was kept for another marker.
    private func update(_ marker: String, _ change: (inout State) -> Void) {
        state.withLock { state in
            if state.marker != marker { state = State(marker: marker) }
            change(&state)
        }
    }
}
