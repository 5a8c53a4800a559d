import CollabBenchServer
import CollabBenchStore
import Foundation
import Synchronization
import Testing

/// The leaderboard is computed off the request path (issue 13): after a write, requests answer at
/// once with the last board marked stale while one background computation (held here by a gate,
/// so nothing depends on timing) builds the new one; after it, the new board.
@Suite("Results browser leaderboard refresh", .timeLimit(.minutes(5)))
struct BrowserLeaderboardRefreshTests {
    /// Holds computations while closed; counts every computation that reached it.
    actor Gate {
        private var closed = false
        private var held: [CheckedContinuation<Void, Never>] = []
        private(set) var arrivals = 0
        private let arrivalStream: AsyncStream<Int>
        private let arrivalContinuation: AsyncStream<Int>.Continuation

        init() { (arrivalStream, arrivalContinuation) = AsyncStream.makeStream(of: Int.self) }

        /// Every arrival's number, in order.
        nonisolated var arrivalNumbers: AsyncStream<Int> { arrivalStream }

        func pass() async {
            arrivals += 1
            arrivalContinuation.yield(arrivals)
            if !closed { return }
            await withCheckedContinuation { held.append($0) }
        }

        func close() { closed = true }

        func open() {
            closed = false
            for continuation in held { continuation.resume() }
            held = []
        }
    }

    /// A clock that moves one minute per reading: 0, 1, 2, …
    final class Ticks: Sendable {
        private let count = Mutex(0)
        func next() -> Int { count.withLock { value -> Int in value += 1; return value - 1 } }
    }

    static func conversations(_ report: [String: Any]) -> Int {
        (report["boards"] as? [[String: Any]] ?? []).flatMap { $0["rows"] as? [[String: Any]] ?? [] }
            .reduce(0) { $0 + ($1["conversations"] as? Int ?? 0) }
    }

    @Test("after a write: the old board at once, marked stale, one recompute; then the new board")
    func staleWhileRecomputing() async throws {
        let (path, _) = try BrowserAPITests.makeStore()
        let gate = Gate()
        let ticks = Ticks()
        let service = BrowseService(
            store: try ResultStore(path: path, mode: .readOnly), beforeLeaderboard: { await gate.pass() },
            now: { Date(timeIntervalSince1970: 1_767_225_600 + 60 * Double(ticks.next())) })
        try await withServer(ServeRouter.router(service: service, storePath: path)) { base in
            // The first request waits for the first computation (started with the service).
            let first = try await BrowserAPITests.page(base, "/api/leaderboards")
            #expect(Self.conversations(first) == 14)
            #expect(first["stale"] as? Bool == false)
            #expect(first["computedAt"] as? String == "2026-01-01T00:00:00Z")
            let home = try await fetch(base)
            #expect(home.body.contains("data-stale=\"false\""))
            #expect(home.body.contains("As of <time datetime=\"2026-01-01T00:00:00Z\">"))
            #expect(await gate.arrivals == 1)

            await gate.close()
            var arrivals = gate.arrivalNumbers.makeAsyncIterator()
            _ = await arrivals.next()  // the first computation's arrival
            let writer = try ResultStore(path: path)
            _ = try writer.save(BrowserTestStore.result(runID: "r1", row: .init(task: "t8", score: 1), agent: "openai/agent-a"))
            try BrowserTestStore.addRun(writer, id: "r3", rows: [.init(task: "t1", score: 1)])

            // Answered at once with the old board while the recompute is held at the gate.
            let stale = try await BrowserAPITests.page(base, "/api/leaderboards")
            #expect(Self.conversations(stale) == 14)
            #expect(stale["stale"] as? Bool == true)
            #expect(stale["computedAt"] as? String == "2026-01-01T00:00:00Z")
            #expect(await arrivals.next() == 2)
            let stalePage = try await fetch(base)
            #expect(stalePage.status == 200)
            #expect(stalePage.body.contains("data-stale=\"true\""))
            #expect(stalePage.body.contains("updating"))
            let again = try await BrowserAPITests.page(base, "/api/leaderboards")
            #expect(again["stale"] as? Bool == true)
            #expect(await gate.arrivals == 2, "one recompute at a time")

            await gate.open()
            await service.leaderboardCache.settle()
            let fresh = try await BrowserAPITests.page(base, "/api/leaderboards")
            #expect(Self.conversations(fresh) == 16)
            #expect(fresh["stale"] as? Bool == false)
            #expect(fresh["computedAt"] as? String == "2026-01-01T00:01:00Z")
            #expect(try await fetch(base).body.contains("data-stale=\"false\""))
            #expect(await gate.arrivals == 2)
        }
    }
}
