import CollabBenchServer
import Foundation
import Testing

/// The results browser's pages in headless Chromium: the leaderboard, a run's table (sorted and
/// paged through its pager link) and a transcript, each screenshot decoded and checked; a hostile
/// model reply shows as text and never runs.
@Suite(
    "Results browser in headless Chromium", .timeLimit(.minutes(5)),
    .enabled(if: BrowserTestSupport.available, "needs COLLABBENCH_BROWSER_PYTHON (make browser-env), chromium and chromedriver"))
struct BrowsePagesBrowserTests {
    @Test("leaderboard, run table and transcript render; the <script> reply stays text")
    func pagesInChromium() async throws {
        let (path, ids) = try BrowserAPITests.makeStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let shots = FileManager.default.temporaryDirectory.appendingPathComponent("collabbench-browse-shots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: shots) }
        // Row 3 (task t3) carries the hostile reply.
        let hostile = ids[2]
        let router = try ServeRouter.router(storePath: path)
        try await withServer(router) { base in
            let result = try await BrowserTestSupport.run(
                "browse_pages.py",
                ["--base", base.absoluteString, "--run", "r1", "--conversation", String(hostile), "--out", shots.path])
            Self.check(result)
        }
    }

    static func check(_ result: [String: Any]) {
        #expect((result["boards"] as? Int ?? 0) >= 1)
        let board = result["leaderboard_text"] as? String ?? ""
        #expect(board.contains("agent-a") && board.contains("agent-b"), "leaderboard: \(board)")
        let firstPage = result["table_rows"] as? [String] ?? []
        let nextPage = result["next_rows"] as? [String] ?? []
        #expect(firstPage.count == 3, "rows: \(firstPage)")
        #expect(result["has_next_page"] as? Bool == true)
        #expect(nextPage.count == 3 && Set(nextPage).isDisjoint(with: firstPage), "next page: \(nextPage)")
        #expect(result["turns"] as? Int == 3)
        #expect((result["transcript_text"] as? String ?? "").contains("<script>alert('pwned')</script>"))
        #expect(result["script_ran"] as? Bool == false)
        BrowserTestSupport.checkScreenshots(result, count: 3)
    }
}
