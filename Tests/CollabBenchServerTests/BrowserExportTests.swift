import CollabBenchReports
import CollabBenchStore
import Foundation
import Testing

/// `export --format html --out`: an index page and the transcripts paged in a folder beside it.
@Suite("Paged HTML export", .timeLimit(.minutes(5)))
struct BrowserExportTests {
    @Test("the index links every transcript page; each page holds its share of conversations, escaped")
    func pagedExport() throws {
        let path = BrowserTestStore.tempPath()
        let store = try ResultStore(path: path)
        let rows = (1...7).map { BrowserTestStore.Row(task: "t\($0)", score: 1, agentText: $0 == 3 ? BrowserTestStore.hostile : "fine") }
        try BrowserTestStore.addRun(store, id: "r1", rows: rows)
        let report = try Leaderboard.build(store: store)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cb-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let index = folder + "/board.html"
        let written = try HTMLPagedExporter.write(report, store: store, indexPath: index, pageSize: 3)
        #expect(written.pages == 3)
        #expect(written.folder == folder + "/board-transcripts")
        let indexText = try String(contentsOfFile: index, encoding: .utf8)
        #expect(indexText.contains("<svg"))
        #expect(!indexText.contains("class=\"msg"))
        let pages = try FileManager.default.contentsOfDirectory(atPath: written.folder).sorted()
        #expect(pages == ["run-r1-0001.html", "run-r1-0002.html", "run-r1-0003.html"])
        var conversations = 0
        for page in pages {
            #expect(indexText.contains("href=\"board-transcripts/\(page)\""))
            let text = try String(contentsOfFile: written.folder + "/" + page, encoding: .utf8)
            conversations += text.components(separatedBy: "<details class=\"conversation").count - 1
            #expect(text.contains("href=\"../board.html#run-r1\""))
            #expect(!text.contains("<script"))
            #expect(text.contains("Content-Security-Policy"))
        }
        #expect(conversations == 7)
        let first = try String(contentsOfFile: written.folder + "/" + pages[0], encoding: .utf8)
        #expect(first.contains("&lt;script&gt;alert("))
        #expect(first.contains("href=\"run-r1-0002.html\""))
    }
}
