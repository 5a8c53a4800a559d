import CollabBenchReports
import CollabBenchStore
import Dispatch
import Foundation

/// What the results browser reads: the store (opened read-only, so a run can write it at the
/// same time) and the whole-store reports (leaderboards), computed off the request path by a
/// ``LeaderboardCache`` that starts with the service and recomputes in the background when the
/// store's change marker moves. A run's figures (its header: aggregates over all its
/// conversations, messages and judge calls) and a table's count of matching conversations are
/// kept per change marker (``RunFigureCache``); the rows of a page are read from the store each
/// time (one `LIMIT`ed query).
public final class BrowseService: Sendable {
    /// The store being browsed.
    public let store: ResultStore
    /// Settings of the leaderboards' intervals.
    public let leaderboardOptions: LeaderboardOptions
    /// The leaderboards, computed in the background.
    public let leaderboardCache: LeaderboardCache
    /// Run figures and table counts of the current store state.
    private let figures = RunFigureCache()

    /// A service over `store`; the first leaderboard computation starts now. `beforeLeaderboard`
    /// runs at the start of every leaderboard computation (a test hook; see ``LeaderboardCache``).
    public init(
        store: ResultStore, leaderboardOptions: LeaderboardOptions = .init(),
        beforeLeaderboard: @escaping @Sendable () async -> Void = {}, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.leaderboardOptions = leaderboardOptions
        self.leaderboardCache = LeaderboardCache(store: store, options: leaderboardOptions, beforeCompute: beforeLeaderboard, now: now)
        leaderboardCache.start()
    }

    /// Leaderboards per pack and evaluation profile, with intervals (the `leaderboard` command's
    /// report): the last computed board at once (marked stale while a newer one is computed), or
    /// the first one once computed.
    public func leaderboards() async throws -> LeaderboardCache.Answer {
        try await leaderboardCache.current()
    }

    /// Every run with its figures, oldest first (computed once per store change).
    public func runOverviews() async throws -> [RunOverview] {
        let marker = try await store.changeMarker()
        if let cached = figures.overviews(at: marker) { return cached }
        let overviews = try await store.runOverviews()
        figures.keep(overviews: overviews, at: marker)
        return overviews
    }

    /// Run `id` with its figures and configuration, or nil when there is none (computed once per
    /// store change).
    public func runDetail(id: String) async throws -> RunDetail? {
        let marker = try await store.changeMarker()
        if let cached = figures.detail(id, at: marker) { return cached }
        guard let detail = try await store.runDetail(id: id) else { return nil }
        figures.keep(detail: detail, at: marker)
        return detail
    }

    /// One page of a run's conversations, or nil when there is no run `request.runID`; the
    /// number of conversations the filter matches is counted once per store change.
    public func conversationPage(_ request: ConversationPageRequest) async throws -> ConversationPage? {
        let marker = try await store.changeMarker()
        let known = figures.total(runID: request.runID, filter: request.filter, at: marker)
        guard let page = try await store.conversationPage(request, total: known) else { return nil }
        if known == nil { figures.keep(total: page.total, runID: request.runID, filter: request.filter, at: marker) }
        return page
    }

    /// The `compare` report of runs `a` and `b` (ids, names or single-run tags), or nil when one
    /// does not exist; the missing one is named in the error text.
    public func compare(a: String, b: String) async throws -> Result<RunComparison, BrowseNotFound> {
        let store = store
        return try await Self.offThread {
            guard let runA = try store.resolveRuns(a).first else { return .failure(BrowseNotFound("no run '\(a)'")) }
            guard let runB = try store.resolveRuns(b).first else { return .failure(BrowseNotFound("no run '\(b)'")) }
            return .success(try RunComparer.compare(store: store, a: runA, b: runB))
        }
    }

    /// Runs synchronous store work (reports that read whole runs) on a Dispatch queue, so the
    /// server's cooperative threads stay free.
    static func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}

/// Something a request named is not in the store (a 404).
public struct BrowseNotFound: Error, Sendable {
    /// What is missing, for the error body.
    public var message: String

    /// A not-found error saying `message`.
    public init(_ message: String) { self.message = message }
}
