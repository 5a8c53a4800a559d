import CollabBenchReports
import CollabBenchStore
import Dispatch
import Foundation

/// What the results browser reads: the store (opened read-only, so a run can write it at the
/// same time) and the whole-store reports (leaderboards), computed off the request path by a
/// ``LeaderboardCache`` that starts with the service and recomputes in the background when the
/// store's change marker moves. Page queries go straight to the store; they are cheap.
public final class BrowseService: Sendable {
    /// The store being browsed.
    public let store: ResultStore
    /// Settings of the leaderboards' intervals.
    public let leaderboardOptions: LeaderboardOptions
    /// The leaderboards, computed in the background.
    public let leaderboardCache: LeaderboardCache

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
