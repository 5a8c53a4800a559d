import CollabBenchCore
import CollabBenchReports
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Every export format, written from a store whose model replies and names are hostile, then
/// opened and checked.
@Suite(.timeLimit(.minutes(5)))
struct ExportTests {
    typealias S = ReportsTestSupport

    static let evilReply = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\"> & \"quotes\", commas\r\nand lines"

    /// Two boards (one with two agents), hostile text in an agent name, a task id and replies.
    static func hostileStore() throws -> ResultStore {
        let store = try S.newStore()
        var a = S.binary([1, 1, 0, 1, 1, 0, 1, 1], tok: 0.4)
        a[0].agentText = evilReply
        a[1].userText = "x_y & 50% of $5 #1 ~ ^ {a} \\emph{b}"
        let oddTask = "<b>task</b>,\"9\""
        a.append(S.Conversation(task: oddTask, metric: 0, itr: -3, tok: 0.4, agentText: "</div></details><script>alert(1)</script>"))
        try S.addRun(store, id: "run-a", name: "alpha, \"quoted\"", agent: "openai/evil<script>_&%", conversations: a)
        var b = S.binary([0, 1, 0, 1, 0, 0, 0, 1], itr: -1, tok: 0.9)
        b.append(S.Conversation(task: oddTask, metric: 1, itr: -1, tok: 0.9))
        try S.addRun(store, id: "run-b", name: "beta", agent: "openai/beta", conversations: b)
        try S.addRun(store, id: "run-c", name: "gamma", judge: "openai/other-judge", conversations: S.binary([1, 1, 1], tok: 0.2))
        return store
    }

    func export(_ format: ExportFormat, store: ResultStore) throws -> (String, LeaderboardReport) {
        let report = try Leaderboard.build(store: store)
        var text = ""
        try Exporter.write(format, report: report, store: store, to: &text)
        return (text, report)
    }

    @Test func csvFollowsRFC4180() throws {
        let (csv, report) = try export(.csv, store: try Self.hostileStore())
        let records = try CSVParse.records(csv)
        #expect(records.count == 1 + report.rows.count)
        #expect(records[0] == CSVExporter.header)
        #expect(records.allSatisfy { $0.count == CSVExporter.header.count })
        // Every record ends with CRLF, and the quoted agent name reads back exactly.
        #expect(csv.hasSuffix("\r\n"))
        let agentColumn = try #require(CSVExporter.header.firstIndex(of: "agent"))
        #expect(records.dropFirst().contains { $0[agentColumn] == "openai/evil<script>_&%" })
        let names = try #require(CSVExporter.header.firstIndex(of: "run_names"))
        #expect(records.dropFirst().contains { $0[names] == "alpha, \"quoted\"" })
        let value = try #require(CSVExporter.header.firstIndex(of: "task_metric"))
        let low = try #require(CSVExporter.header.firstIndex(of: "task_metric_ci_low"))
        for record in records.dropFirst() {
            let v = try #require(Double(record[value]))
            let lo = try #require(Double(record[low]))
            #expect(lo <= v)
        }
    }

    @Test func jsonParsesAndCarriesRunsAndConversations() throws {
        let store = try Self.hostileStore()
        let (json, report) = try export(.json, store: store)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(root["format"] as? String == "collabbench-export")
        let boards = try #require(root["boards"] as? [[String: Any]])
        #expect(boards.count == report.boards.count)
        let rows = boards.flatMap { ($0["rows"] as? [[String: Any]]) ?? [] }
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0["taskMetricCI"] is [String: Any] })
        let profile = try #require(boards[0]["profile"] as? [String: Any])
        #expect((profile["task_ids"] as? [String])?.count == 9)
        let runs = try #require(root["runs"] as? [[String: Any]])
        #expect(runs.map { $0["id"] as? String } == ["run-a", "run-b", "run-c"])
        let first = runs[0]
        #expect(((first["configuration"] as? [String: Any])?["judgeMaxAttempts"] as? NSNumber)?.intValue == 3)
        #expect(first["profile_id"] as? String == report.runProfiles["run-a"])
        let conversations = try #require(first["conversations"] as? [[String: Any]])
        #expect(conversations.count == 9)
        let scores = try #require(conversations[0]["scores"] as? [String: Any])
        #expect(((scores["accuracy"] as? [String: Any])?["value"] as? NSNumber)?.doubleValue == 1)
        #expect((scores["itr"] as? [String: Any])?["status"] as? String == "scored")
        #expect(conversations.contains { $0["task_id"] as? String == "<b>task</b>,\"9\"" })
    }

    @Test func latexUsesBooktabsBoldsTheBestAndEscapes() throws {
        let (tex, report) = try export(.latex, store: try Self.hostileStore())
        #expect(tex.components(separatedBy: "\\begin{table}").count - 1 == report.boards.count)
        #expect(tex.components(separatedBy: "\\end{table}").count - 1 == report.boards.count)
        for rule in ["\\toprule", "\\midrule", "\\bottomrule"] {
            #expect(tex.components(separatedBy: rule).count - 1 == report.boards.count)
        }
        // Balanced braces, and no raw special characters from the agent name.
        #expect(tex.filter { $0 == "{" }.count - tex.filter { $0 == "}" }.count == tex.components(separatedBy: "\\{").count - tex.components(separatedBy: "\\}").count)
        #expect(tex.contains("openai/evil\\textless{}script\\textgreater{}\\_\\&\\%"))
        // First board: alpha is best on every metric column, beta on none.
        let firstTable = String(tex.components(separatedBy: "\\end{table}")[0])
        let lines = firstTable.split(separator: "\n").filter { $0.hasSuffix("\\\\") && !$0.hasPrefix("Agent") }
        #expect(lines.count == 2)
        let alpha = try #require(lines.first { $0.contains("evil") })
        let beta = try #require(lines.first { $0.contains("beta") })
        #expect(alpha.contains("\\textbf{66.7}"))  // accuracy: 6 of 9 tasks
        #expect(alpha.contains("\\textbf{0.40}"))  // fewest tokens
        #expect(alpha.contains("\\textbf{55.6}"))  // ITR: (8 · 100 − 300) / 9
        #expect(!beta.contains("\\textbf"))  // beta is best on nothing
        #expect(alpha.contains("\\,{\\scriptsize["))
    }

    @Test(.enabled(if: PDFLaTeX.path != nil, "needs pdflatex with booktabs"))
    func latexCompilesWithPDFLaTeX() async throws {
        let (tex, _) = try export(.latex, store: try Self.hostileStore())
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cb-latex-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let document = """
            \\documentclass{article}
            \\usepackage[utf8]{inputenc}
            \\usepackage[T1]{fontenc}
            \\usepackage{booktabs}
            \\begin{document}
            \(tex)
            \\end{document}

            """
        try document.write(toFile: dir + "/board.tex", atomically: true, encoding: .utf8)
        let status = try await PDFLaTeX.run(directory: dir, file: "board.tex")
        #expect(status == 0, "pdflatex failed; see \(dir)/board.log")
        #expect(FileManager.default.fileExists(atPath: dir + "/board.pdf"))
    }

    @Test func markdownTablesAreWellFormed() throws {
        let (md, report) = try export(.md, store: try Self.hostileStore())
        let tableLines = md.split(separator: "\n").filter { $0.hasPrefix("| ") }
        // Per board: header, separator, rows.
        #expect(tableLines.count == report.boards.reduce(0) { $0 + 2 + $1.rows.count })
        func cells(_ line: Substring) -> Int {
            // Count unescaped pipes.
            var count = 0
            var escaped = false
            for ch in line {
                if ch == "|" && !escaped { count += 1 }
                escaped = ch == "\\" && !escaped
            }
            return count - 1
        }
        let widths = Set(tableLines.prefix(2 + report.boards[0].rows.count).map(cells))
        #expect(widths.count == 1)
        #expect(md.contains("openai/evil&lt;script&gt;\\_&amp;%"))
        #expect(!md.contains("<script>"))
        #expect(md.contains("Not ranked with the first math board: judge differs"))
    }

    @Test func htmlEscapesModelTextAndIsWellFormed() throws {
        let (html, report) = try export(.html, store: try Self.hostileStore())
        let parsed = try HTMLParse(html)
        #expect(!parsed.elements.contains("script"))
        #expect(!parsed.elements.contains("img"))
        #expect(parsed.attributes.allSatisfy { !$0.lowercased().hasPrefix("on") })
        #expect(parsed.text.contains("<script>document.title='pwned'</script>"))
        #expect(parsed.text.contains("</div></details><script>alert(1)</script>"))
        #expect(parsed.elements.filter { $0 == "svg" }.count == 2 * report.boards.count)
        #expect(parsed.elements.filter { $0 == "details" }.count >= 9 + 9 + 3)
        #expect(html.contains("Content-Security-Policy"))
        #expect(parsed.title == "CollabBench results")
    }

    @Test(.enabled(if: Chromium.path != nil, "needs chromium"))
    func htmlLoadsInChromiumAndRunsNothing() async throws {
        let store = try Self.hostileStore()
        let (html, _) = try export(.html, store: store)
        let path = S.tempPath("page", ext: "html")
        try html.write(toFile: path, atomically: true, encoding: .utf8)
        let dom = try await Chromium.dumpDOM(path)
        #expect(dom.contains("<title>CollabBench results</title>"), "the page's title was changed: a script ran")
        #expect(!dom.contains("pwned</title>"))
        #expect(!dom.lowercased().contains("<script"))
        #expect(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"))
        #expect(dom.contains("<svg"))
    }

    /// A store of 1,000 conversations exports in every format, streamed; the time is printed.
    @Test func thousandConversationsExport() throws {
        let store = try S.newStore()
        for r in 0..<4 {
            let itrs: [Double] = [1, -1, -3]
            let text = String(repeating: "Let us work through it step by step. ", count: 20)
            var conversations: [S.Conversation] = []
            for i in 0..<250 {
                let correct: Double = (i * 7 + r) % 3 == 0 ? 1 : 0
                let tok = Double(i % 10) / 10 + 0.1
                conversations.append(S.Conversation(task: String(format: "task-%03d", i), metric: correct, itr: itrs[(i + r) % 3], tok: tok, agentText: text))
            }
            try S.addRun(store, id: "run-\(r)", agent: "openai/agent-\(r)", conversations: conversations)
        }
        let clock = ContinuousClock()
        var report: LeaderboardReport?
        let build = clock.measure { report = try? Leaderboard.build(store: store) }
        let rows = try #require(report).rows
        #expect(rows.count == 4)
        #expect(rows.allSatisfy { $0.conversations == 250 && $0.taskMetricCI != nil })
        var line = "leaderboard \(build)"
        for format in ExportFormat.allCases {
            let path = S.tempPath("export", ext: format.fileExtension)
            let stream = try FileOutputStream(path: path)
            var sink = stream
            let elapsed = try clock.measure { try Exporter.write(format, report: report!, store: store, to: &sink) }
            stream.close()
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
            #expect(size > 1000)
            if format == .json {
                let root = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
                let runs = root?["runs"] as? [[String: Any]]
                #expect(runs?.reduce(0) { $0 + (($1["conversations"] as? [Any])?.count ?? 0) } == 1000)
            }
            line += ", \(format.rawValue) \(elapsed) (\(size / 1024) KiB)"
        }
        print("1,000 conversations: \(line)")
    }
}

/// A strict RFC 4180 reader: fields separated by commas, records by CRLF, quoted fields with
/// doubled quotes; anything else throws.
enum CSVParse {
    static func records(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < scalars.count && scalars[i + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        i += 1
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                guard field.isEmpty, !afterQuote else { throw ExportParseError("stray quote in field at \(i)") }
                quoted = true
            } else if c == "," {
                record.append(field)
                field = ""
                afterQuote = false
            } else if c == "\r" {
                guard i + 1 < scalars.count, scalars[i + 1] == "\n" else { throw ExportParseError("CR without LF at \(i)") }
                record.append(field)
                records.append(record)
                record = []
                field = ""
                afterQuote = false
                i += 1
            } else if c == "\n" {
                throw ExportParseError("bare LF at \(i)")
            } else {
                guard !afterQuote else { throw ExportParseError("text after a closing quote at \(i)") }
                field.unicodeScalars.append(c)
            }
            i += 1
        }
        guard !quoted else { throw ExportParseError("unterminated quote") }
        guard record.isEmpty && field.isEmpty else { throw ExportParseError("last record not ended by CRLF") }
        return records
    }
}

/// Reads the exported page as XML (it is written well-formed): element names, attribute names,
/// all text, the title.
struct HTMLParse {
    var elements: [String] = []
    var attributes: [String] = []
    var text = ""
    var title = ""

    init(_ html: String) throws {
        let delegate = Delegate()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = delegate
        guard parser.parse() else {
            throw ExportParseError("HTML is not well-formed at line \(parser.lineNumber): \(parser.parserError.map { "\($0)" } ?? "?")")
        }
        elements = delegate.elements
        attributes = delegate.attributes
        text = delegate.text
        title = delegate.title
    }

    final class Delegate: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var attributes: [String] = []
        var text = ""
        var title = ""
        var inTitle = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.append(name.lowercased())
            self.attributes += attributes.keys
            inTitle = name == "title" && title.isEmpty
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            inTitle = false
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text += string
            if inTitle { title += string }
        }
    }
}

/// pdfLaTeX with booktabs, when installed.
enum PDFLaTeX {
    static var path: String? {
        guard let pdflatex = ["/usr/bin/pdflatex", "/usr/local/bin/pdflatex"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let found = ["/usr/share/texlive/texmf-dist/tex/latex/booktabs/booktabs.sty", "/usr/share/texmf/tex/latex/booktabs/booktabs.sty"]
            .contains { FileManager.default.fileExists(atPath: $0) }
        return found ? pdflatex : nil
    }

    static func run(directory: String, file: String) async throws -> Int32 {
        try await TestProcess.run(path!, ["-interaction=nonstopmode", "-halt-on-error", file], directory: directory).status
    }
}

/// Headless Chromium, when installed.
enum Chromium {
    static var path: String? {
        let env = ProcessInfo.processInfo.environment["COLLABBENCH_CHROMIUM"]
        return [env, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].compactMap { $0 }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func dumpDOM(_ file: String) async throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("cb-chromium-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let result = try await TestProcess.run(path!, [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(profile)",
            "--virtual-time-budget=2000", "--dump-dom", "file://\(file)",
        ])
        return result.stdoutText
    }
}
