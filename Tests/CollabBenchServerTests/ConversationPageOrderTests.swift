import CollabBenchCore
@testable import CollabBenchStore
import Foundation
import Testing

/// Pages sorted by score are read along the v13 index of scores (no sort of the whole run); they
/// must hold exactly the rows, in exactly the order, that sorting every conversation gives:
/// scored ones by value then id, then the unscored (no score row, or a null value) by id, in both
/// directions, on every offset, with a score filter, in a store where two runs' rows interleave.
@Suite("Conversation pages by score", .timeLimit(.minutes(5)))
struct ConversationPageOrderTests {
    static func makeStore() throws -> String {
        let path = BrowserTestStore.tempPath()
        let store = try ResultStore(path: path)
        let values: [Double?] = [0.5, nil, 1, 0, 0.5, 0.25, nil, 1, 0.5, 0, 0.75, 0.5]
        try BrowserTestStore.addRun(store, id: "a", rows: values.prefix(6).enumerated().map { .init(task: "t\($0.offset)", score: $0.element) })
        try BrowserTestStore.addRun(store, id: "b", rows: (0..<5).map { .init(task: "t\($0)", score: Double($0 % 3) / 2) })
        for (i, value) in values.dropFirst(6).enumerated() {
            _ = try store.save(BrowserTestStore.result(runID: "a", row: .init(task: "u\(i)", score: value), agent: "openai/agent-a"))
            if i == 2 { _ = try store.save(BrowserTestStore.result(runID: "a", row: .init(task: "f\(i)", failed: true), agent: "openai/agent-a")) }
            _ = try store.save(BrowserTestStore.result(runID: "b", row: .init(task: "v\(i)", score: 0.5), agent: "openai/agent-a"))
        }
        return path
    }

    /// Every conversation of run `a` in the order a score sort must give.
    static func expected(_ store: ResultStore, descending: Bool, filter: ConversationFilter) async throws -> [Int64] {
        let all = try #require(try await store.conversationPage(ConversationPageRequest(runID: "a", limit: 500, filter: filter))).conversations
        return all.sorted { x, y in
            if (x.score == nil) != (y.score == nil) { return x.score != nil }
            if let a = x.score, let b = y.score, a != b { return descending ? a > b : a < b }
            return descending ? x.id > y.id : x.id < y.id
        }.map(\.id)
    }

    @Test("Every page along the index is the slice of the full sort", arguments: [false, true])
    func pagesMatchTheFullSort(descending: Bool) async throws {
        let path = try Self.makeStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try ResultStore(path: path, mode: .readOnly)
        for filter in [ConversationFilter(), ConversationFilter(minScore: 0.5), ConversationFilter(minScore: 0.25, maxScore: 0.75)] {
            let order = try await Self.expected(store, descending: descending, filter: filter)
            #expect(order.count == (filter.minScore == nil ? 13 : filter.maxScore == nil ? 7 : 6))
            for limit in [1, 3, 5] {
                for offset in stride(from: 0, through: order.count + 1, by: 1) {
                    let request = ConversationPageRequest(runID: "a", offset: offset, limit: limit, sort: .score, descending: descending, filter: filter)
                    #expect(ResultStore.walksScoreIndex(request))
                    // Both ways of checking a score's run (a lookup each, or the run's ids first),
                    // and a run below the size from which the index is walked (sorted instead).
                    for (shallowRows, walkFrom) in [(ResultStore.shallowPageRows, 0), (0, 0), (ResultStore.shallowPageRows, ResultStore.smallestWalkedRun)] {
                        let page = try #require(try await store.conversationPage(request, total: nil, shallowRows: shallowRows, walkFrom: walkFrom))
                        #expect(page.total == order.count)
                        #expect(
                            page.conversations.map(\.id) == Array(order.dropFirst(offset).prefix(limit)),
                            "offset \(offset) limit \(limit) \(filter) shallow \(shallowRows) walk from \(walkFrom)")
                        #expect(page.conversations.allSatisfy { $0.runID == "a" })
                    }
                }
            }
        }
    }

    @Test("A fresh store carries the index; other filters sort as before")
    func indexAndFallback() async throws {
        let path = try Self.makeStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try ResultStore(path: path, mode: .readOnly)
        #expect(try store.schemaVersion() == 13)
        let request = ConversationPageRequest(runID: "a", limit: 500, sort: .score, descending: true, filter: ConversationFilter(status: .completed))
        #expect(!ResultStore.walksScoreIndex(request))
        let page = try #require(try await store.conversationPage(request))
        let scores = page.conversations.map(\.score)
        #expect(page.total == 12 && scores.prefix(10).allSatisfy { $0 != nil } && scores.suffix(2).allSatisfy { $0 == nil })
        #expect(zip(scores.prefix(10), scores.prefix(10).dropFirst()).allSatisfy { $0! >= $1! })
    }
}
