import CollabBenchCore
import CollabBenchReports
import CollabBenchStore
import Foundation
import Testing

/// Every report, rendered from one fixed store and compared byte for byte with the files in
/// `Fixtures/golden/`: the leaderboard (text and `--json`), comparisons (text and JSON), the gate
/// (its result, Markdown summary and JUnit XML) and the exports (Markdown, LaTeX, JSON, HTML).
///
/// The version of CollabBench is written as `<version>`. After a change that is meant to alter a
/// report, `COLLABBENCH_UPDATE_GOLDEN=1 swift test --filter ReportGoldenTests` rewrites the files;
/// review their diff.
@Suite(.timeLimit(.minutes(5)))
struct ReportGoldenTests {
    typealias S = ReportsTestSupport

    static let directory = S.root + "/Tests/CollabBenchReportsTests/Fixtures/golden"

    /// Math runs of two agents (three trials of some tasks, a failed conversation, judged and
    /// symbolic accuracy, the simulator's figures), a run judged by another judge, code and docs runs.
    static func store() throws -> (ResultStore, [String: RunRecord]) {
        let store = try S.newStore()
        var runs: [String: RunRecord] = [:]
        var base = S.binary([1, 1, 0, 1, 0, 1, 1, 0], itr: 1, tok: 0.42)
        base += [
            S.Conversation(task: "t01", trial: 1, metric: 1, itr: -1, tok: 0.5),
            S.Conversation(task: "t01", trial: 2, metric: 0, itr: 1, tok: 0.61),
        ]
        base.append(S.Conversation(task: "t09", failed: true))
        base[2].itrStatus = .unscored
        base[2].itr = nil
        base[3].judgeUnreadable = 2
        base[4].userFormatError = true
        runs["base"] = try add(store, id: "run-base", name: "baseline", conversations: base, extras: true)
        var cand = S.binary([1, 0, 0, 1, 1, 1, 0, 0], itr: -1, tok: 0.7)
        cand += [
            S.Conversation(task: "t01", trial: 1, metric: 1, itr: 1, tok: 0.66),
            S.Conversation(task: "t01", trial: 2, metric: 1, itr: -3, tok: 0.8),
        ]
        cand[5].metricStatus = .skipped
        cand[5].metric = nil
        runs["cand"] = try add(
            store, id: "run-cand", name: "candidate", agent: "openai/agent-b", preset: "proactive", conversations: cand, extras: true)
        runs["judged"] = try add(store, id: "run-judged", judge: "openai/judge-b", conversations: S.binary([1, 1, 1, 0], itr: 1, tok: 0.3))
        runs["code-a"] = try add(store, id: "run-code-a", kind: .code, conversations: S.binary([1, 0, 1, 1], itr: 1, tok: 1.2))
        runs["code-b"] = try add(
            store, id: "run-code-b", kind: .code, agent: "openai/agent-b", conversations: S.binary([1, 1, 1, 1], itr: -1, tok: 2.5))
        var docs = S.binary([0, 0, 0], itr: 1, tok: 3.1)
        for (i, v) in [0.4213, 0.1, 0.775].enumerated() { docs[i].metric = v }
        runs["docs"] = try add(store, id: "run-docs", kind: .docs, conversations: docs)
        return (store, runs)
    }

    /// Adds a run like ``ReportsTestSupport/addRun``; `extras` adds the scores every real run has
    /// beside the headline ones (judged and symbolic accuracy, user tokens, the simulator's figures).
    static func add(
        _ store: ResultStore, id: String, name: String? = nil, kind: TaskKind = .math, agent: String = "openai/agent-a",
        preset: String = "base", judge: String = "openai/judge-a", conversations: [S.Conversation], extras: Bool = false
    ) throws -> RunRecord {
        let run = try S.addRun(store, id: id, name: name, kind: kind, agent: agent, preset: preset, judge: judge, conversations: [])
        for (i, c) in conversations.enumerated() {
            var result = S.result(runID: id, kind: kind, c, agent: agent, user: "openai/user-sim", judge: judge)
            if extras && !c.failed {
                let bit = Double((i * 7 + c.trial) % 3 == 0 ? 0 : 1)
                result.scores += [
                    ScoreEntry(metric: "accuracy_judged", value: bit, status: .scored, method: "judge:\(judge)"),
                    ScoreEntry(metric: "user_tok_k", value: 0.1 + Double(i) / 50, status: .scored, method: "cl100k_base"),
                    ScoreEntry(metric: "sim_early_stop", value: i == 1 ? 1 : 0, status: .scored, method: "rule"),
                    ScoreEntry(
                        metric: "sim_leak", value: Double(i) / 40, status: .scored, method: "lcs",
                        detail: i == 6 ? "flagged: copied 90 characters of the reference" : nil),
                    ScoreEntry(metric: "itr.0.0", value: c.itr, status: c.itrStatus, method: "judge:\(judge)"),
                ]
            }
            try store.save(result)
        }
        return run
    }

    /// Every report, by file name.
    static func reports() throws -> [(String, String)] {
        let (store, runs) = try store()
        let report = try Leaderboard.build(store: store, options: LeaderboardOptions(resamples: 300))
        let comparisonOptions = ComparisonOptions(resamples: 300, draws: 999)
        guard let base = runs["base"], let cand = runs["cand"], let judged = runs["judged"], let codeA = runs["code-a"],
            let codeB = runs["code-b"]
        else {
            throw CollabBenchError(.invalidArgument, "runs missing")
        }
        let math = try RunComparer.compare(store: store, a: base, b: cand, options: comparisonOptions)
        let profiles = try RunComparer.compare(store: store, a: base, b: judged, options: comparisonOptions)
        let code = try RunComparer.compare(store: store, a: codeA, b: codeB, options: comparisonOptions)
        let allowances = try ["task=0", "itr=10", "tok=0.1", "accuracy=5"].map(GateAllowance.init(parsing:))
        let gate = try Gate.evaluate(
            store: store, baseline: [base, codeA], candidate: [cand, codeB],
            options: GateOptions(allowances: allowances, resamples: 300, draws: 999))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var out: [(String, String)] = [
            ("leaderboard.txt", LeaderboardRenderer.text(report)),
            ("leaderboard.json", try LeaderboardRenderer.json(report.rows)),
            ("compare-math.txt", ComparisonRenderer.text(math)),
            ("compare-math.json", try ComparisonRenderer.json(math)),
            ("compare-profiles.txt", ComparisonRenderer.text(profiles)),
            ("compare-code.txt", ComparisonRenderer.text(code)),
            ("gate.json", String(decoding: try encoder.encode(gate), as: UTF8.self) + "\n"),
            ("gate.md", GateSummary.markdown(gate)),
            ("gate-junit.xml", JUnitReport.xml(gate)),
        ]
        for format in [ExportFormat.md, .latex, .json, .html] {
            var text = ""
            try Exporter.write(format, report: report, store: store, to: &text)
            out.append(("export.\(format.fileExtension)", text))
        }
        return out.map { name, text in (name, text.replacingOccurrences(of: CollabBenchVersion.current, with: "<version>")) }
    }

    @Test func everyReportIsByteIdenticalToItsGoldenFile() throws {
        let update = ProcessInfo.processInfo.environment["COLLABBENCH_UPDATE_GOLDEN"] == "1"
        if update { try FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true) }
        for (name, text) in try Self.reports() {
            let path = Self.directory + "/" + name
            if update {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                continue
            }
            let golden = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text == golden, "\(name) differs from \(path); first difference at line \(Self.firstDifferentLine(text, golden))")
        }
    }

    @Test func renderingTwiceGivesTheSameBytes() throws {
        // Rendering twice gives the same bytes (no dictionary order or clock leaks into a report).
        let first = try Self.reports()
        let second = try Self.reports()
        for ((name, a), (_, b)) in zip(first, second) { #expect(a == b, "\(name)") }
    }

    static func firstDifferentLine(_ a: String, _ b: String) -> Int {
        let la = a.split(separator: "\n", omittingEmptySubsequences: false)
        let lb = b.split(separator: "\n", omittingEmptySubsequences: false)
        return (zip(la, lb).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(la.count, lb.count)) + 1
    }
}
