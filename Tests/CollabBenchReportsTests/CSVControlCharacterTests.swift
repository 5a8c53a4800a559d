import CollabBenchCore
import CollabBenchReports
import CollabBenchStore
import Foundation
import Testing

/// Escape sequences and BEL in run and agent names never reach a CSV export.
@Suite(.timeLimit(.minutes(5)))
struct CSVControlCharacterTests {
    typealias S = ReportsTestSupport

    @Test func namesWithEscapeSequencesAreCleaned() throws {
        let store = try S.newStore()
        let clipboard = "evil\u{1B}]52;c;ZXZpbA==\u{07}run"
        try S.addRun(store, id: "run-a", name: clipboard, agent: "openai/a\u{1B}[31mred\u{1B}[0m", conversations: S.binary([1, 0, 1], tok: 0.4))
        let report = try Leaderboard.build(store: store)
        var csv = ""
        CSVExporter.write(report, to: &csv)
        #expect(!csv.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        let records = try CSVParse.records(csv)
        let names = try #require(CSVExporter.header.firstIndex(of: "run_names"))
        let agent = try #require(CSVExporter.header.firstIndex(of: "agent"))
        #expect(records[1][names] == "evil ]52;c;ZXZpbA== run")
        #expect(records[1][agent] == "openai/a [31mred [0m")
        // The terminal cleaner the run summary uses is the same function.
        #expect(TerminalText.sanitize(clipboard) == "evil ]52;c;ZXZpbA== run")
    }
}
