import CollabBenchCore
import CollabBenchPacks
import CollabBenchTestSupport
import Foundation
import Testing

/// The dataset downloader against a loopback server answering as the Hugging Face datasets-server
/// and GitHub do, with rows and files built here.
@Suite("Dataset download", .timeLimit(.minutes(5)))
struct DownloadTests {
    /// A small dataset in two parts, with published counts.
    static let source = DatasetSource(
        kind: .code, name: "tiny-code",
        location: .huggingFaceRows(
            dataset: "test/tiny",
            parts: [.init(config: "default", split: "a", expectedRows: 7), .init(config: "default", split: "b", expectedRows: 3)]),
        localFileHint: "tiny.jsonl", paperSubsetOptions: [], fullOptions: [])

    static func codeRow(_ i: Int) -> String {
        DownloadFixtures.json([
            "task_id": "Tiny/\(i)", "instruct_prompt": "Write f\(i).", "code_prompt": "def f():\n",
            "canonical_solution": "    return \(i)\n",
            "test": "import unittest\nclass TestCases(unittest.TestCase):\n    pass\n", "entry_point": "f", "libs": "[]",
        ])
    }

    static let rows = [
        "test/tiny|default|a": (0..<7).map(codeRow), "test/tiny|default|b": (7..<10).map(codeRow),
    ]

    /// A client for the test's duration (shut down by ``HTTPDatasetTransport/withTransport(timeoutSeconds:_:)``).
    static func withTransport(_ body: (HTTPDatasetTransport) async throws -> Void) async throws {
        try await HTTPDatasetTransport.withTransport(timeoutSeconds: 60) { transport in try await body(transport) }
    }

    static func downloader(
        _ server: LoopbackDatasetServer, _ transport: HTTPDatasetTransport, cache: String, pageLength: Int = 3, retries: Int = 4
    ) -> DatasetDownloader<HTTPDatasetTransport> {
        DatasetDownloader(
            transport: transport, cacheDirectory: cache, sourceURL: server.baseURL, retries: retries, retryDelay: .zero,
            concurrency: 2, pageLength: pageLength)
    }

    static func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test("rows are fetched page by page, in order, across parts; retried after 503s; cached with their hash")
    func rowsInOrderRetriedAndCached() async throws {
        try await Self.withTransport { transport in
            let server = try await LoopbackDatasetServer.start(rows: Self.rows, failFirst: 3)
            let cache = try TestFixtures.temporaryDirectory()
            let file = try await Self.downloader(server, transport, cache: cache).download(Self.source)
            #expect(file.rows == 10 && !file.fromCache)
            #expect(try Self.lines(file.path).map { $0["task_id"] as? String } == (0..<10).map { "Tiny/\($0)" })
            #expect(file.sha256 == StableHash.sha256(try Data(contentsOf: URL(fileURLWithPath: file.path))))
            // 3 refused + 3 pages of a (3, 3, 1) + 1 page of b.
            let fetched = server.requests.count
            #expect(fetched == 3 + 3 + 1)
            #expect(server.requests.allSatisfy { $0.path.hasPrefix("/rows?") && $0.path.contains("dataset=test/tiny") })

            let again = try await Self.downloader(server, transport, cache: cache).download(Self.source)
            #expect(again.fromCache && again.sha256 == file.sha256 && again.rows == 10)
            #expect(server.requests.count == fetched, "a cached dataset is not fetched again")

            // A changed cache file is not trusted.
            try Data("{}\n".utf8).write(to: URL(fileURLWithPath: file.path))
            let refetched = try await Self.downloader(server, transport, cache: cache).download(Self.source)
            #expect(!refetched.fromCache && refetched.sha256 == file.sha256)
            try await server.stop()
        }
    }

    @Test("pages whose cells come back truncated are split until they are whole")
    func truncatedPagesAreSplit() async throws {
        try await Self.withTransport { transport in
            let server = try await LoopbackDatasetServer.start(rows: Self.rows, maxRowsPerPage: 1)
            let cache = try TestFixtures.temporaryDirectory()
            let file = try await Self.downloader(server, transport, cache: cache, pageLength: 4).download(Self.source)
            #expect(try Self.lines(file.path).map { $0["task_id"] as? String } == (0..<10).map { "Tiny/\($0)" })
            let lengths = server.requests.compactMap {
                URLComponents(string: "http://x" + $0.path)?.queryItems?.first { $0.name == "length" }?.value
            }
            #expect(lengths.contains("4") && lengths.contains("1"))
            try await server.stop()
        }
    }

    @Test("a count other than the published one, and a server that keeps failing, are one clear error each")
    func countMismatchAndPersistentFailure() async throws {
        try await Self.withTransport { transport in
            let cache = try TestFixtures.temporaryDirectory()
            let short = try await LoopbackDatasetServer.start(rows: Self.rows, totalRowsOverride: 6)
            do {
                _ = try await Self.downloader(short, transport, cache: cache).download(Self.source)
                Issue.record("expected a row-count error")
            } catch let error as DatasetDownloadError {
                #expect(error.code == .rowCountMismatch)
                #expect(error.description == "test/tiny default/a has 6 rows, but 7 are published; the dataset changed upstream")
            }
            try await short.stop()

            let busy = try await LoopbackDatasetServer.start(rows: Self.rows, failFirst: 100)
            do {
                _ = try await Self.downloader(busy, transport, cache: cache, retries: 2).download(Self.source)
                Issue.record("expected an HTTP error")
            } catch let error as DatasetDownloadError {
                #expect(error.code == .httpError && error.exitStatus == 69)
                #expect(
                    error.description.hasPrefix("127.0.0.1 answered HTTP 503 to ")
                        && error.description.hasSuffix(" 3 times; try again later"))
            }
            #expect(busy.requests.count == 3)
            try await busy.stop()
            #expect(!FileManager.default.fileExists(atPath: cache + "/tiny-code.jsonl"), "nothing is cached after a failure")
        }
    }

    @Test("an unreachable host names the host and how to import a local copy")
    func unreachableHost() async throws {
        let closed = try await LoopbackDatasetServer.start()
        let base = closed.baseURL
        try await closed.stop()
        let cache = try TestFixtures.temporaryDirectory()
        try await Self.withTransport { transport in
            let downloader = DatasetDownloader(
                transport: transport, cacheDirectory: cache, sourceURL: base, retries: 1,
                retryDelay: .zero)
            do {
                _ = try await downloader.download(.math)
                Issue.record("expected an unreachable error")
            } catch let error as DatasetDownloadError {
                #expect(error.code == .unreachable && error.exitStatus == 69)
                #expect(
                    error.description
                        == "could not reach 127.0.0.1 (connection refused) to download hendrycks_math; on a machine without access, "
                        + "import a local copy instead: collabbench tasks import math --from <path>/math_all.jsonl.gz --out Tasks/math-level5 --level 5 …"
                )
            }
        }
    }

    @Test("articles: each file checked against its git hash, made a record, sorted by id; a changed file is refused")
    func articlesFromGitHub() async throws {
        try await Self.withTransport { transport in
            let files = [
                "articles/Why_Tests_Matter.txt": "  Tests matter because...\r\nThey do.\n",
                "articles/A_Guide_to_Pandas.txt": "Pandas is a library.\n",
                "articles/Empty.txt": " \n", "README.md": "not an article", "articles/notes.md": "not an article either",
            ]
            let repository = LoopbackDatasetServer.Repository(
                name: "NikodemWojtczak/Medium-articles-search-system", commit: "f280d92ce09d",
                fullCommit: "f280d92ce09d" + String(repeating: "0", count: 28),
                files: files)
            let server = try await LoopbackDatasetServer.start(repository: repository)
            let file = try await Self.downloader(server, transport, cache: try TestFixtures.temporaryDirectory()).download(.docs)
            let records = try Self.lines(file.path)
            let texts = ["Tests matter because...\nThey do.", "Pandas is a library."]
            let expected = texts.map { "tds-" + String(DownloadFixtures.sha1Hex($0).prefix(12)) }.sorted()
            #expect(records.map { $0["id"] as? String } == expected)
            let tests = try #require(records.first { $0["title"] as? String == "Why Tests Matter" })
            #expect(tests["text"] as? String == texts[0])
            #expect(tests["ends_with_ellipsis"] as? Bool == false)
            #expect(tests["num_words"] as? Int == 5 && tests["num_chars"] as? Int == texts[0].unicodeScalars.count)
            #expect(
                tests["source"] as? String
                    == "github:NikodemWojtczak/Medium-articles-search-system@f280d92ce09d:articles/Why_Tests_Matter.txt")
            try await server.stop()

            var changed = repository
            changed.corrupted = ["articles/A_Guide_to_Pandas.txt"]
            let corrupt = try await LoopbackDatasetServer.start(repository: changed)
            let cache = try TestFixtures.temporaryDirectory()
            do {
                _ = try await Self.downloader(corrupt, transport, cache: cache).download(.docs)
                Issue.record("expected a hash mismatch")
            } catch let error as DatasetDownloadError {
                #expect(
                    error.code == .hashMismatch
                        && error.description.contains("articles/A_Guide_to_Pandas.txt does not match its published git hash"))
            }
            try await corrupt.stop()
        }
    }
}

/// Helpers shared by the download tests.
enum DownloadFixtures {
    /// A JSON object's text, keys sorted.
    static func json(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    /// SHA-1 of a text's UTF-8 bytes (the article ids are `tds-` and its first 12 hex digits).
    static func sha1Hex(_ text: String) -> String {
        LoopbackDatasetServer.sha1Hex(Array(text.utf8))
    }
}
