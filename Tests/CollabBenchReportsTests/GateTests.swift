import CollabBenchCore
import CollabBenchReports
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The gate on real runs made through the loopback server (a pack of eight tasks whose answers
/// are all 7), and on synthetic runs for the finer points.
@Suite(.timeLimit(.minutes(5)))
struct GateTests {
    typealias S = ReportsTestSupport

    @Test func passesAgainstItselfAndFailsForAClearlyWorseRun() async throws {
        let pack = try S.writeMathPack(count: 8)
        let store = try S.newStore()
        let good = try await S.scriptedServer { _ in "It is \\boxed{7}." }
        let goodID = try await S.run(packDirectory: pack, server: good, store: store, name: "good")
        try await good.stop()
        let bad = try await S.scriptedServer { _ in "It is \\boxed{0}." }
        let badID = try await S.run(packDirectory: pack, server: bad, store: store, name: "bad")
        try await bad.stop()
        let goodRun = try #require(try store.run(goodID))
        let badRun = try #require(try store.run(badID))

        let board = try Leaderboard.build(store: store)
        #expect(board.boards.count == 1, "the two runs share one evaluation profile")
        #expect(board.rows.map(\.taskMetric) == [100, 0])

        let options = GateOptions(allowances: [GateAllowance(metric: "task", maxDrop: 0), GateAllowance(metric: "itr", maxDrop: 10)])
        let same = try Gate.evaluate(store: store, baseline: [goodRun], candidate: [goodRun], options: options)
        #expect(same.passed)
        #expect(same.checks.count == 2)
        #expect(same.checks.allSatisfy { $0.pValue == 1 })

        let worse = try Gate.evaluate(store: store, baseline: [goodRun], candidate: [badRun], options: options)
        #expect(!worse.passed)
        let accuracy = try #require(worse.checks.first { $0.metric == "accuracy" })
        #expect(!accuracy.passed)
        #expect(accuracy.drop == 100)
        #expect(accuracy.pairs == 8)
        #expect(abs(accuracy.pValue - 1.0 / 256) < 1e-12)  // McNemar exact, one-sided, 8 of 8 lost
        #expect(accuracy.test.hasPrefix("McNemar"))
        #expect(worse.checks.first { $0.metric == "itr" }?.passed == true)

        // The better run against the worse baseline passes.
        #expect(try Gate.evaluate(store: store, baseline: [badRun], candidate: [goodRun], options: options).passed)

        // JUnit XML: one test case per pack and metric, the failure marked.
        let xml = JUnitReport.xml(worse)
        let parsed = try JUnitParse(xml)
        #expect(parsed.testcases == 2)
        #expect(parsed.failures == 1)
        #expect(parsed.suiteFailures == "1")
        let summary = GateSummary.markdown(worse)
        #expect(summary.hasPrefix("## CollabBench gate: ❌ failed"))
        #expect(summary.contains("| sevens | Acc | 100.0 | 0.0 |"))
        #expect(GateSummary.markdown(same).hasPrefix("## CollabBench gate: ✅ passed"))
    }

    @Test func smallDropsWithinTheAllowanceOrWithoutSignificancePass() throws {
        let store = try S.newStore()
        let base = try S.addRun(store, id: "base", conversations: S.binary([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]))
        let slightly = try S.addRun(store, id: "slightly", conversations: S.binary([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]))
        let much = try S.addRun(store, id: "much", conversations: S.binary([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]))
        // One task lost of ten: a drop of 10 points, not significant at 0.05.
        let strict = GateOptions(allowances: [GateAllowance(metric: "accuracy", maxDrop: 0)])
        let one = try Gate.evaluate(store: store, baseline: [base], candidate: [slightly], options: strict)
        #expect(one.passed)
        #expect(one.checks[0].message.contains("not significant"))
        // Six lost: significant (p = 1/64) with no allowance; with 50 points allowed it is not.
        #expect(!(try Gate.evaluate(store: store, baseline: [base], candidate: [much], options: strict).passed))
        let lenient = GateOptions(allowances: [GateAllowance(metric: "accuracy", maxDrop: 50)])
        let allowed = try Gate.evaluate(store: store, baseline: [base], candidate: [much], options: lenient)
        #expect(allowed.passed)
        #expect(allowed.checks[0].test.contains("permutation"))
        // #Tok: an increase is the drop.
        let lean = try S.addRun(store, id: "lean", conversations: S.binary([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], tok: 0.2))
        let verbose = try S.addRun(store, id: "verbose", conversations: S.binary([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], tok: 3))
        let tokens = GateOptions(allowances: [GateAllowance(metric: "tok_k", maxDrop: 1)])
        #expect(!(try Gate.evaluate(store: store, baseline: [lean], candidate: [verbose], options: tokens).passed))
        #expect(try Gate.evaluate(store: store, baseline: [verbose], candidate: [lean], options: tokens).passed)
    }

    @Test func dataErrorsAreGateErrors() throws {
        let store = try S.newStore()
        let math = try S.addRun(store, id: "m", conversations: S.binary([1, 0]))
        let code = try S.addRun(store, id: "c", kind: .code, conversations: S.binary([1, 0]))
        let otherJudge = try S.addRun(store, id: "j", judge: "openai/other", conversations: S.binary([1, 0]))
        let disjoint = try S.addRun(store, id: "d", conversations: [S.Conversation(task: "zz", metric: 1)])
        let options = GateOptions(allowances: [GateAllowance(metric: "task", maxDrop: 0)])
        #expect(throws: GateError.self) { try Gate.evaluate(store: store, baseline: [math], candidate: [code], options: options) }
        #expect(throws: GateError.self) { try Gate.evaluate(store: store, baseline: [math], candidate: [otherJudge], options: options) }
        var allowing = options
        allowing.allowProfileChange = true
        let allowed = try Gate.evaluate(store: store, baseline: [math], candidate: [otherJudge], options: allowing)
        #expect(allowed.notes.contains { $0.contains("judge differs") })
        #expect(throws: GateError.self) { try Gate.evaluate(store: store, baseline: [math], candidate: [disjoint], options: options) }
        let bleu = GateOptions(allowances: [GateAllowance(metric: "bleu", maxDrop: 0)])
        #expect(throws: GateError.self) { try Gate.evaluate(store: store, baseline: [math], candidate: [math], options: bleu) }
        #expect(throws: CollabBenchError.self) { try GateAllowance(parsing: "accuracy") }
        #expect(throws: CollabBenchError.self) { try GateAllowance(parsing: "speed=3") }
        #expect(throws: CollabBenchError.self) { try GateAllowance(parsing: "itr=-1") }
        #expect(try GateAllowance(parsing: "tok=0.5") == GateAllowance(metric: "tok_k", maxDrop: 0.5))
    }

    @Test func aCandidateWithNothingScoredFails() throws {
        let store = try S.newStore()
        let base = try S.addRun(store, id: "base", conversations: S.binary([1, 1, 1]))
        let dead = try S.addRun(store, id: "dead", conversations: ["t01", "t02", "t03"].map { S.Conversation(task: $0, failed: true) })
        let result = try Gate.evaluate(store: store, baseline: [base], candidate: [dead], options: GateOptions(allowances: [GateAllowance(metric: "task", maxDrop: 5)]))
        #expect(!result.passed)
        #expect(result.checks[0].message.contains("no task has a scored"))
    }

    @Test func tagsNameOneRunPerPack() throws {
        let store = try S.newStore()
        let m1 = try S.addRun(store, id: "m1", conversations: S.binary([1]))
        let m2 = try S.addRun(store, id: "m2", conversations: S.binary([1]))
        let c1 = try S.addRun(store, id: "c1", kind: .code, conversations: S.binary([1]))
        #expect(try store.tag(runID: m1.id, as: "baseline", at: "t1") == nil)
        #expect(try store.tag(runID: c1.id, as: "baseline", at: "t1") == nil)
        #expect(try store.resolveRuns("baseline").map(\.id) == ["c1", "m1"])
        #expect(try store.tag(runID: m2.id, as: "baseline", at: "t2") == "m1")
        #expect(try store.resolveRuns("baseline").map(\.id) == ["c1", "m2"])
        #expect(try store.resolveRuns("m1").map(\.id) == ["m1"])
        #expect(try store.tags().count == 2)
        #expect(throws: CollabBenchError.self) { try store.tag(runID: "nope", as: "x", at: "t") }
        #expect(throws: CollabBenchError.self) { try store.tag(runID: m1.id, as: "bad name", at: "t") }
        #expect(try store.removeTag("baseline", runID: "c1") == 1)
        #expect(try store.resolveRuns("baseline").map(\.id) == ["m2"])
        #expect(try store.removeTag("baseline") == 1)
        #expect(try store.resolveRuns("baseline").isEmpty)
    }
}

/// Counts test cases and failures of a JUnit document with Foundation's XML parser.
struct JUnitParse {
    var testcases = 0
    var failures = 0
    var suiteFailures: String?

    init(_ xml: String) throws {
        let delegate = Delegate()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        guard parser.parse() else { throw ExportParseError("JUnit XML does not parse: \(parser.parserError.map { "\($0)" } ?? "?")") }
        testcases = delegate.testcases
        failures = delegate.failures
        suiteFailures = delegate.suiteFailures
    }

    final class Delegate: NSObject, XMLParserDelegate {
        var testcases = 0
        var failures = 0
        var suiteFailures: String?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            switch name {
            case "testcase": testcases += 1
            case "failure": failures += 1
            case "testsuite": suiteFailures = attributes["failures"]
            default: break
            }
        }
    }
}

struct ExportParseError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
