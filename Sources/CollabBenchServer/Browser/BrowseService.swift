import CollabBenchReports
import CollabBenchStore
import Dispatch
import Synchronization

/// What the results browser reads: the store (opened read-only, so a run can write it at the
/// same time) and a cache of the whole-store reports (leaderboards), rebuilt when the store's
/// change marker moves. Page queries go straight to the store; they are cheap.
public final class BrowseService: Sendable {
    /// The store being browsed.
    public let store: ResultStore
    /// Settings of the leaderboards' intervals.
    public let leaderboardOptions: LeaderboardOptions
    private let cachedReport = Mutex<(marker: String, report: LeaderboardReport)?>(nil)

    /// A service over `store`.
    public init(store: ResultStore, leaderboardOptions: LeaderboardOptions = .init()) {
        self.store = store
        self.leaderboardOptions = leaderboardOptions
    }

    /// Leaderboards per pack and evaluation profile, with intervals (the `leaderboard` command's
    /// report), built off the server's threads and reused until the store changes.
    public func leaderboards() async throws -> LeaderboardReport {
        let marker = try await store.changeMarker()
        if let cached = cachedReport.withLock({ $0 }), cached.marker == marker { return cached.report }
        let store = store
        let options = leaderboardOptions
        let report = try await Self.offThread { try Leaderboard.build(store: store, options: options) }
        cachedReport.withLock { $0 = (marker, report) }
        return report
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
