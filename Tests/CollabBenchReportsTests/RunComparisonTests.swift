import CollabBenchCore
import CollabBenchReports
import CollabBenchStore
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct RunComparisonTests {
    typealias S = ReportsTestSupport

    @Test func binaryMetricUsesMcNemarAndListsFlips() throws {
        let store = try S.newStore()
        var a = S.binary([1, 1, 1, 1, 1, 1, 0, 0, 1, 1], itr: 1, tok: 0.4)
        var b = S.binary([0, 0, 0, 0, 0, 1, 1, 0, 1, 1], itr: -1, tok: 0.6)
        a.append(S.Conversation(task: "only-a", metric: 1))
        b.append(S.Conversation(task: "only-b", metric: 0))
        let runA = try S.addRun(store, id: "run-a", name: "base", conversations: a)
        let runB = try S.addRun(store, id: "run-b", name: "cand", agent: "openai/agent-b", conversations: b)
        let c = try RunComparer.compare(store: store, a: runA, b: runB)
        #expect(c.sharedTasks == 10)
        #expect(c.onlyA == 1 && c.onlyB == 1)
        #expect(c.profileDifferences.isEmpty)
        let acc = try #require(c.metrics.first { $0.metric == "accuracy" })
        #expect(acc.binary)
        #expect(acc.pairs == 10)
        #expect(acc.aOnly == 5 && acc.bOnly == 1)
        #expect(abs((acc.difference ?? 0) + 40) < 1e-9)
        // McNemar exact, b = 5, c = 1: 2 · P(X ≤ 1 | n = 6) = 2 · 7/64.
        #expect(abs(acc.pValue - 14.0 / 64) < 1e-12)
        #expect(acc.worsened.map(\.taskID) == ["t01", "t02", "t03", "t04", "t05"])
        #expect(acc.improved.map(\.taskID) == ["t07"])
        let interval = try #require(acc.interval)
        #expect(interval.lower <= -40 && -40 <= interval.upper)
        let itr = try #require(c.metrics.first { $0.metric == "itr" })
        #expect(!itr.binary)
        #expect(abs((itr.difference ?? 0) + 200) < 1e-9)
        // Every pair moved the same way: the exact two-sided p is 2/2^10.
        #expect(abs(itr.pValue - 2.0 / 1024) < 1e-12)
        #expect(itr.test.contains("exact"))
        let tok = try #require(c.metrics.first { $0.metric == "tok_k" })
        #expect(tok.higherIsBetter == false)
        #expect(tok.worsened.count == 5)  // listed, at most five
        let text = ComparisonRenderer.text(c)
        #expect(text.contains("flipped to fail in B (5): t01, t02, t03, t04, t05"))
        #expect(text.contains("10 shared tasks (1 only in A, 1 only in B, left out)"))
        let json = try ComparisonRenderer.json(c)
        #expect((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["sharedTasks"] as? Int == 10)
    }

    @Test func runsOfDifferentPacksAreRefused() throws {
        let store = try S.newStore()
        let a = try S.addRun(store, id: "a", kind: .math, conversations: S.binary([1]))
        let b = try S.addRun(store, id: "b", kind: .code, conversations: S.binary([1]))
        #expect(throws: CollabBenchError.self) { try RunComparer.compare(store: store, a: a, b: b) }
    }

    @Test func profileDifferencesAreReported() throws {
        let store = try S.newStore()
        let a = try S.addRun(store, id: "a", judge: "openai/j1", conversations: S.binary([1, 0]))
        let b = try S.addRun(store, id: "b", judge: "openai/j2", conversations: S.binary([1, 1]))
        let c = try RunComparer.compare(store: store, a: a, b: b)
        #expect(c.profileDifferences == ["judge differs: openai/j1 vs openai/j2"])
        #expect(ComparisonRenderer.text(c).contains("warning: not the same evaluation profile"))
    }
}
