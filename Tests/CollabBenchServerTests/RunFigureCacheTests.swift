@testable import CollabBenchServer
import CollabBenchStore
import Foundation
import Testing

/// The results browser keeps a run's figures and a table's count per store change marker: they
/// are reused while the store stays as it was and recomputed after a write.
@Suite("Run figures kept per store change", .timeLimit(.minutes(5)))
struct RunFigureCacheTests {
    @Test("Figures and counts follow a write to the store")
    func followsWrites() async throws {
        let (path, _) = try BrowserAPITests.makeStore()
        let service = BrowseService(store: try ResultStore(path: path, mode: .readOnly))
        let scoredOne = ConversationPageRequest(runID: "r1", filter: ConversationFilter(minScore: 1))
        let before = try #require(try await service.runDetail(id: "r1"))
        #expect(before.overview.conversations == 7 && before.overview.scored == 5)
        #expect(try await service.conversationPage(scoredOne)?.total == 3)
        // Served again at the same store state: the same figures.
        #expect(try await service.runDetail(id: "r1") == before)
        #expect(try await service.conversationPage(ConversationPageRequest(runID: "r1", offset: 2, limit: 2, sort: .score, filter: scoredOne.filter))?.total == 3)
        let writer = try ResultStore(path: path)
        _ = try writer.save(BrowserTestStore.result(runID: "r1", row: .init(task: "t8", score: 1), agent: "openai/agent-a"))
        let after = try #require(try await service.runDetail(id: "r1"))
        #expect(after.overview.conversations == 8 && after.overview.scored == 6)
        #expect(after.overview.quality.userMessages == before.overview.quality.userMessages + 2)
        #expect(try await service.conversationPage(scoredOne)?.total == 4)
        #expect(try await service.runOverviews().first { $0.id == "r1" }?.conversations == 8)
        #expect(try await service.runDetail(id: "nope") == nil)
        #expect(try await service.conversationPage(ConversationPageRequest(runID: "nope")) == nil)
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test("The page the service serves is the page the store computes")
    func samePages() async throws {
        let (path, _) = try BrowserAPITests.makeStore()
        let store = try ResultStore(path: path, mode: .readOnly)
        let service = BrowseService(store: store)
        for sort in ConversationSort.allCases {
            for descending in [false, true] {
                for offset in [0, 3, 6] {
                    let request = ConversationPageRequest(runID: "r1", offset: offset, limit: 3, sort: sort, descending: descending)
                    let served = try await service.conversationPage(request)
                    #expect(served == (try await store.conversationPage(request)), "\(sort) \(descending) \(offset)")
                    #expect(served?.conversations.count == min(3, 7 - offset))
                }
            }
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test("Values kept for one marker are dropped at the next; counts are bounded")
    func markers() throws {
        let cache = RunFigureCache()
        let filter = ConversationFilter()
        cache.keep(total: 5, runID: "r", filter: filter, at: "a")
        #expect(cache.total(runID: "r", filter: filter, at: "a") == 5)
        #expect(cache.total(runID: "r", filter: ConversationFilter(minScore: 1), at: "a") == nil)
        #expect(cache.total(runID: "r", filter: filter, at: "b") == nil)
        cache.keep(overviews: [], at: "b")
        #expect(cache.overviews(at: "b") == [])
        #expect(cache.total(runID: "r", filter: filter, at: "a") == nil, "the state of marker a is gone")
        for i in 0..<(RunFigureCache.maximumTotals + 10) {
            cache.keep(total: i, runID: "r\(i)", filter: filter, at: "b")
        }
        #expect(cache.total(runID: "r\(RunFigureCache.maximumTotals + 9)", filter: filter, at: "b") == RunFigureCache.maximumTotals + 9)
        #expect(cache.total(runID: "r0", filter: filter, at: "b") == nil)
    }
}
