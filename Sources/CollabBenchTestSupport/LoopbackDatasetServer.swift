import Foundation
import Synchronization

/// A test double for the public homes of the standard datasets, on 127.0.0.1: the Hugging Face
/// datasets-server's `/rows` pages and GitHub's commits, trees and raw files, answered from rows
/// and files the test builds. For tests only.
///
/// ```swift
/// let server = try await LoopbackDatasetServer.start(
///     rows: ["bigcode/bigcodebench|default|v0.1.2": rows], failFirst: 2)    // two 503s, then answers
/// // DatasetDownloader(…, sourceURL: server.baseURL)
/// ```
public final class LoopbackDatasetServer: Sendable {
    /// A GitHub repository at one commit.
    public struct Repository: Sendable {
        /// `owner/name`.
        public var name: String
        /// The commit as the client asks for it (short or full).
        public var commit: String
        /// The full commit hash the server resolves it to.
        public var fullCommit: String
        /// The files, path → content.
        public var files: [String: String]
        /// Paths whose served content differs from the hash the tree publishes.
        public var corrupted: Set<String>

        /// Creates a repository.
        public init(name: String, commit: String, fullCommit: String, files: [String: String], corrupted: Set<String> = []) {
            self.name = name
            self.commit = commit
            self.fullCommit = fullCommit
            self.files = files
            self.corrupted = corrupted
        }
    }

    private let server: LoopbackOpenAIServer

    /// `http://127.0.0.1:<port>`: rows at `/rows`, GitHub's API at `/repos/…`, raw files at `/raw/…`.
    public var baseURL: String { "http://127.0.0.1:\(server.port)" }
    /// Every request so far, in arrival order.
    public var requests: [RecordedRequest] { server.requests }

    private init(server: LoopbackOpenAIServer) { self.server = server }

    /// Starts a server.
    /// - Parameters:
    ///   - rows: `dataset|config|split` → the rows, each a JSON object's text, in order.
    ///   - repository: a GitHub repository to serve, if any.
    ///   - failFirst: answer the first N requests with HTTP 503 (to exercise retries).
    ///   - maxRowsPerPage: pages asking for more rows than this come back with every row's
    ///     `truncated_cells` set, as the real server does with pages that are too large.
    ///   - totalRowsOverride: report this as `num_rows_total` (to exercise the count check).
    public static func start(
        rows: [String: [String]] = [:], repository: Repository? = nil, failFirst: Int = 0, maxRowsPerPage: Int? = nil,
        totalRowsOverride: Int? = nil
    ) async throws -> LoopbackDatasetServer {
        let failures = Mutex(failFirst)
        let server = try await LoopbackOpenAIServer.start(answeringModelList: false) { request in
            let failing = failures.withLock { count -> Bool in
                guard count > 0 else { return false }
                count -= 1
                return true
            }
            if failing { return ScriptedResponse(status: 503, body: #"{"error":"busy"}"#) }
            guard let url = URLComponents(string: "http://loopback" + request.path) else { return notFound() }
            if url.path == "/rows" {
                return page(url, rows: rows, maxRowsPerPage: maxRowsPerPage, totalRowsOverride: totalRowsOverride)
            }
            if let repository { return gitHub(url, repository: repository) }
            return notFound()
        }
        return LoopbackDatasetServer(server: server)
    }

    /// Stops listening.
    public func stop() async throws { try await server.stop() }

    /// Git's blob hash of a file's content.
    public static func gitBlobHash(_ content: String) -> String {
        let bytes = Array(content.utf8)
        return SHA1.hex(Array("blob \(bytes.count)\u{0}".utf8) + bytes)
    }

    /// Lower-case hex SHA-1 of `bytes`.
    public static func sha1Hex(_ bytes: [UInt8]) -> String { SHA1.hex(bytes) }

    // MARK: - Answers

    private static func page(_ url: URLComponents, rows: [String: [String]], maxRowsPerPage: Int?, totalRowsOverride: Int?)
        -> ScriptedResponse
    {
        let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
        let key = [query["dataset"] ?? "", query["config"] ?? "", query["split"] ?? ""].joined(separator: "|")
        guard let all = rows[key], let offset = Int(query["offset"] ?? ""), let length = Int(query["length"] ?? ""),
            offset >= 0, length >= 1, length <= 100
        else {
            return ScriptedResponse(status: 404, body: #"{"error":"Not found."}"#)
        }
        let truncated = maxRowsPerPage.map { length > $0 } ?? false
        let slice = all.indices.contains(offset) ? Array(all[offset..<min(all.count, offset + length)]) : []
        let entries = slice.enumerated().map { index, row in
            let cells = truncated ? #"["text"]"# : "[]"
            return #"{"row_idx":\#(offset + index),"row":\#(row),"truncated_cells":\#(cells)}"#
        }
        let body =
            #"{"features":[],"rows":[\#(entries.joined(separator: ","))],"num_rows_total":\#(totalRowsOverride ?? all.count),"#
            + #""num_rows_per_page":100,"partial":false}"#
        return ScriptedResponse(body: body, headers: [("Content-Type", "application/json")])
    }

    private static func gitHub(_ url: URLComponents, repository: Repository) -> ScriptedResponse {
        let treeSHA = String(repeating: "7", count: 40)
        let path = url.path
        if path == "/repos/\(repository.name)/commits/\(repository.commit)" {
            return ScriptedResponse(body: #"{"sha":"\#(repository.fullCommit)","commit":{"tree":{"sha":"\#(treeSHA)"}}}"#)
        }
        if path == "/repos/\(repository.name)/git/trees/\(treeSHA)" {
            let entries = repository.files.keys.sorted().map { file in
                #"{"path":"\#(file)","mode":"100644","type":"blob","sha":"\#(gitBlobHash(repository.files[file]!))"}"#
            }
            return ScriptedResponse(body: #"{"sha":"\#(treeSHA)","tree":[\#(entries.joined(separator: ","))],"truncated":false}"#)
        }
        let rawPrefix = "/raw/\(repository.name)/\(repository.fullCommit)/"
        if path.hasPrefix(rawPrefix) {
            let file = String(path.dropFirst(rawPrefix.count))
            guard let content = repository.files[file] else { return notFound() }
            return ScriptedResponse(body: repository.corrupted.contains(file) ? content + " (changed)" : content)
        }
        return notFound()
    }

    private static func notFound() -> ScriptedResponse {
        ScriptedResponse(status: 404, body: #"{"message":"Not Found"}"#)
    }
}

/// SHA-1 (FIPS 180-4), enough for git blob hashes in tests; this module has no crypto dependency.
enum SHA1 {
    static func hex(_ message: [UInt8]) -> String {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var data = message
        let bitLength = UInt64(message.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        var w = [UInt32](repeating: 0, count: 80)
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for i in 0..<16 {
                w[i] = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(data[chunk + 4 * i + $1]) }
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w[i] = x << 1 | x >> 31
            }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for i in 0..<80 {
                let (f, k): (UInt32, UInt32) =
                    switch i {
                    case 0..<20: ((b & c) | (~b & d), 0x5A82_7999)
                    case 20..<40: (b ^ c ^ d, 0x6ED9_EBA1)
                    case 40..<60: ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                    default: (b ^ c ^ d, 0xCA62_C1D6)
                    }
                let t = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                (e, d, c, b, a) = (d, c, b << 30 | b >> 2, a, t)
            }
            h[0] = h[0] &+ a
            h[1] = h[1] &+ b
            h[2] = h[2] &+ c
            h[3] = h[3] &+ d
            h[4] = h[4] &+ e
        }
        return h.map { String(format: "%08x", $0) }.joined()
    }
}
