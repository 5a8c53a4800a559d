import CollabBenchCore
import CollabBenchStore
import Foundation

/// Leaderboards as HTML with the transcripts paged: an index page (the boards, their charts and,
/// per run, links to its transcript pages) and a folder beside it holding one page per
/// `pageSize` conversations of each run. A 10,000-conversation run is 50 pages of 200
/// transcripts instead of one page of tens of megabytes. The pages are the same markup as
/// ``HTMLExporter``'s single page (escaped, well-formed, no script, the same policy).
public enum HTMLPagedExporter {
    /// Conversations per transcript page unless told otherwise.
    public static let defaultPageSize = 200

    /// What was written.
    public struct Written: Sendable, Hashable {
        /// The index page.
        public var index: String
        /// The folder of transcript pages.
        public var folder: String
        /// Transcript pages written.
        public var pages: Int
    }

    /// Writes the index to `indexPath` and the transcript pages to the folder `<index without
    /// .html>-transcripts/` (created or reused; its pages are replaced).
    /// - Throws: ``ExportError`` when a file cannot be written; ``CollabBenchError`` for store failures.
    @discardableResult
    public static func write(_ report: LeaderboardReport, store: ResultStore, indexPath: String, pageSize: Int = defaultPageSize) throws -> Written {
        let pageSize = max(1, pageSize)
        let index = URL(fileURLWithPath: indexPath)
        let stem = index.deletingPathExtension().lastPathComponent
        let folderName = stem + "-transcripts"
        let folder = index.deletingLastPathComponent().appendingPathComponent(folderName).path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ExportError("cannot create the folder \(folder) for the transcript pages")
        }
        let h = HTMLText.escape
        let indexStream = try FileOutputStream(path: indexPath)
        var out = indexStream
        HTMLExporter.writeHead(title: "CollabBench results", to: &out)
        HTMLExporter.writeBoards(report, to: &out)
        out.write("<section id=\"transcripts\">\n<h2>Transcripts</h2>\n<p class=\"note\">\(pageSize) conversations per page, in the folder <code>\(h(folderName))</code> beside this page.</p>\n")
        var pages = 0
        for runID in Exporter.runIDs(report) {
            guard let run = try store.run(runID) else { continue }
            let total = try store.conversationCount(runID: runID)
            let anchor = HTMLExporter.anchor(run.id)
            let title = run.name == run.id ? run.id : "\(run.name) (\(run.id))"
            out.write("<div class=\"run\" id=\"run-\(h(anchor))\"><p><strong>\(h(title))</strong> · \(h(AgentIdentity(run: run).label)) · \(h(run.packName)) · \(total) conversations</p>\n<p class=\"note\">")
            let count = (total + pageSize - 1) / pageSize
            for page in 0..<count {
                let first = page * pageSize
                let last = min(total, first + pageSize)
                out.write("<a href=\"\(h(folderName))/\(h(fileName(anchor: anchor, page: page)))\">\(first + 1)–\(last)</a> ")
            }
            out.write("</p></div>\n")
            pages += try writePages(run: run, total: total, store: store, folder: folder, indexName: index.lastPathComponent, pageSize: pageSize)
        }
        out.write("</section>\n</body>\n</html>\n")
        indexStream.close()
        return Written(index: indexPath, folder: folder, pages: pages)
    }

    /// The file of page `page` (from 0) of the run whose anchor is `anchor`.
    static func fileName(anchor: String, page: Int) -> String {
        "run-\(anchor)-\(String(format: "%04d", page + 1)).html"
    }

    /// Writes a run's transcript pages (its `total` conversations), streaming its conversations
    /// and messages one at a time; returns how many.
    static func writePages(
        run: RunRecord, total: Int, store: ResultStore, folder: String, indexName: String, pageSize: Int
    ) throws -> Int {
        guard total > 0 else { return 0 }
        let h = HTMLText.escape
        let anchor = HTMLExporter.anchor(run.id)
        let metric = run.packKind.metric
        let pageCount = (total + pageSize - 1) / pageSize
        let title = run.name == run.id ? run.id : "\(run.name) (\(run.id))"
        // Conversations in page order: those with messages in the order the store streams them,
        // then any without messages (as the single page has them).
        var current: (stream: FileOutputStream, page: Int)?
        var written = 0
        func stream(for position: Int) throws -> FileOutputStream {
            let page = position / pageSize
            if let current, current.page == page { return current.stream }
            if let current { finish(current.stream) }
            let path = folder + "/" + fileName(anchor: anchor, page: page)
            let next = try FileOutputStream(path: path)
            var out = next
            HTMLExporter.writeHead(title: "\(title) · transcripts \(page * pageSize + 1)–\(min(total, (page + 1) * pageSize))", to: &out)
            out.write("<nav><ul><li><a href=\"../\(h(indexName))#run-\(h(anchor))\">Back to the leaderboards</a></li>")
            if page > 0 { out.write("<li><a href=\"\(h(fileName(anchor: anchor, page: page - 1)))\">Previous page</a></li>") }
            if page + 1 < pageCount { out.write("<li><a href=\"\(h(fileName(anchor: anchor, page: page + 1)))\">Next page</a></li>") }
            out.write("</ul></nav>\n<p class=\"note\">\(h(AgentIdentity(run: run).label)) · \(h(run.packName)) · user \(h(run.userSimulator)) · judge \(h(run.judge)) · seed \(run.seed) · page \(page + 1) of \(pageCount)</p>\n<section id=\"transcripts\">\n")
            current = (next, page)
            return next
        }
        func finish(_ s: FileOutputStream) {
            var out = s
            out.write("</section>\n</body>\n</html>\n")
            s.close()
        }
        try store.forEachConversationTranscript(runID: run.id) { conversation, messages in
            var out = try stream(for: written)
            HTMLExporter.writeConversation(conversation, messages: messages, metric: metric, to: &out)
            written += 1
        }
        if let current { finish(current.stream) }
        return pageCount
    }
}
