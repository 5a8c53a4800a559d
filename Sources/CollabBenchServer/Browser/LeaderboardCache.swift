import CollabBenchReports
import CollabBenchStore
import Foundation
import Synchronization

/// The leaderboards computed off the request path (issue 13): the first computation starts with
/// the server; when a request finds the store changed, one background task recomputes (never two
/// at once) while requests are answered at once with the last computed board, marked stale. Only
/// a request that comes before any board exists waits, for the first computation.
public final class LeaderboardCache: Sendable {
    /// A computed board and when: the store's change marker it was read at and the clock's time.
    public struct Snapshot: Sendable {
        /// The leaderboards.
        public var report: LeaderboardReport
        /// The store's change marker read before computing (a later write makes it stale).
        public var marker: String
        /// When the computation finished.
        public var computedAt: Date
    }

    /// What a request gets: the last computed board, whether the store changed since (a
    /// recompute is then under way), and whether this request waited for the first computation.
    public struct Answer: Sendable {
        /// The board served.
        public var snapshot: Snapshot
        /// The store changed after this board was computed; a newer one is being computed.
        public var stale: Bool
        /// This request came before any board existed and waited for the first computation.
        public var waited: Bool
    }

    private struct State {
        var latest: Snapshot?
        var computing: Task<Snapshot, any Error>?
    }

    private let store: ResultStore
    private let options: LeaderboardOptions
    private let beforeCompute: @Sendable () async -> Void
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    /// A cache over `store`. `beforeCompute` runs at the start of every computation (tests hold
    /// it to see the stale board deterministically); `now` stamps computed boards.
    public init(
        store: ResultStore, options: LeaderboardOptions,
        beforeCompute: @escaping @Sendable () async -> Void = {}, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.options = options
        self.beforeCompute = beforeCompute
        self.now = now
    }

    /// Starts the first computation (when none is under way and none finished yet).
    public func start() {
        state.withLock { state in
            if state.latest == nil, state.computing == nil { state.computing = makeTask() }
        }
    }

    /// The board to serve now: the last computed one (stale when the store changed since; a
    /// recompute then starts unless one is running), or, before any exists, the first one once
    /// computed.
    /// - Throws: the store's error, or the first computation's.
    public func current() async throws -> Answer {
        let marker = try await store.changeMarker()
        let (latest, task): (Snapshot?, Task<Snapshot, any Error>?) = state.withLock { state in
            if let latest = state.latest, latest.marker == marker { return (latest, nil) }
            if state.computing == nil { state.computing = makeTask() }
            return (state.latest, state.computing)
        }
        if let latest { return Answer(snapshot: latest, stale: latest.marker != marker, waited: false) }
        let first = try await task!.value
        return Answer(snapshot: first, stale: first.marker != marker, waited: true)
    }

    /// Waits for the computation under way, if any (tests: the point after which a request sees
    /// the recomputed board).
    public func settle() async {
        let task = state.withLock { $0.computing }
        _ = try? await task?.value
    }

    /// A task computing the board; called under the lock with no computation running. It clears
    /// `computing` when done and keeps the board it computed (a failure keeps the last board; the
    /// next request that finds the store changed tries again).
    private func makeTask() -> Task<Snapshot, any Error> {
        let store = store, options = options, beforeCompute = beforeCompute, now = now
        return Task { [self] in
            do {
                await beforeCompute()
                let marker = try await store.changeMarker()
                let report = try await BrowseService.offThread { try Leaderboard.build(store: store, options: options) }
                let snapshot = Snapshot(report: report, marker: marker, computedAt: now())
                self.state.withLock { $0.latest = snapshot; $0.computing = nil }
                return snapshot
            } catch {
                self.state.withLock { $0.computing = nil }
                throw error
            }
        }
    }
}
