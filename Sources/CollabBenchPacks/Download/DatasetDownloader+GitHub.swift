import CollabBenchCore
import Crypto
import Foundation

/// GitHub's answer for a commit: its full hash and its tree.
struct GitHubCommit: Decodable {
    struct Inner: Decodable {
        struct Tree: Decodable { var sha: String }
        var tree: Tree
    }
    var sha: String
    var commit: Inner
}

/// GitHub's answer for a recursive tree.
struct GitHubTree: Decodable {
    struct Entry: Decodable {
        var path: String
        var type: String
        var sha: String
    }
    var tree: [Entry]
    var truncated: Bool?
}

extension DatasetDownloader {
    /// GitHub's API base (`https://api.github.com`, or ``sourceURL``).
    var gitHubAPI: String { sourceURL ?? "https://api.github.com" }
    /// Raw files' base (`https://raw.githubusercontent.com`, or `<sourceURL>/raw`).
    var gitHubRaw: String { sourceURL.map { $0 + "/raw" } ?? "https://raw.githubusercontent.com" }

    /// The articles: each `.txt` file under `folder` at `commit`, checked against its git blob
    /// hash, as one record (`id`, `title`, `text`, `num_words`, `num_chars`, `ends_with_ellipsis`,
    /// `source`), sorted by id as `medium_tds_articles.jsonl.gz` is.
    func fetchArticles(
        source: DatasetSource, owner: String, repository: String, commit: String, folder: String,
        progress: @escaping @Sendable (String) -> Void
    ) async throws -> [String] {
        let repo = "\(owner)/\(repository)"
        let commitInfo: GitHubCommit = try await decode(gitHubAPI + "/repos/\(repo)/commits/\(commit)", what: "a commit")
        let tree: GitHubTree = try await decode(
            gitHubAPI + "/repos/\(repo)/git/trees/\(commitInfo.commit.tree.sha)?recursive=1", what: "a tree")
        if tree.truncated == true {
            throw DatasetDownloadError(.malformedResponse, "GitHub's tree of \(repo)@\(commit) is truncated; cannot list every article")
        }
        let files = tree.tree.filter { $0.type == "blob" && $0.path.hasPrefix(folder + "/") && $0.path.hasSuffix(".txt") }
            .sorted { $0.path < $1.path }
        if files.isEmpty {
            throw DatasetDownloadError(.malformedResponse, "\(repo)@\(commit) has no .txt files under \(folder)/")
        }
        let fullCommit = commitInfo.sha
        let base = gitHubRaw
        let contents = try await inOrder(files) { file in
            let path = file.path.split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? String($0) }
                .joined(separator: "/")
            let body = try await self.fetch("\(base)/\(repo)/\(fullCommit)/\(path)")
            guard Self.gitBlobHash(body) == file.sha.lowercased() else {
                throw DatasetDownloadError(
                    .hashMismatch, "\(repo)@\(commit):\(file.path) does not match its published git hash \(file.sha)")
            }
            return body
        }
        progress("\(repo)@\(commit): \(files.count) files")
        var records: [String: [String: JSONValue]] = [:]
        for (file, body) in zip(files, contents) {
            let short = String(commit.prefix(12))
            guard let record = Self.article(body, path: file.path, source: "github:\(repo)@\(short):\(file.path)") else { continue }
            let id = record["id"]!.stringValue!
            if records[id] == nil { records[id] = record }
        }
        return try records.keys.sorted().map { try Self.line(records[$0]!) }
    }

    /// An article record from a file, or nil when the file holds no text.
    static func article(_ body: [UInt8], path: String, source: String) -> [String: JSONValue]? {
        let decoded = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        let text = decoded.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        let digest = Insecure.SHA1.hash(data: Data(text.utf8))
        let id = "tds-" + String(StableHash.hex(digest).prefix(12))
        var stem = (path as NSString).lastPathComponent
        if stem.hasSuffix(".txt") { stem.removeLast(4) }
        let words = text.split(whereSeparator: { $0.isWhitespace }).count
        return [
            "id": .string(id), "title": .string(stem.replacingOccurrences(of: "_", with: " ")), "text": .string(text),
            "num_words": .number(Double(words)), "num_chars": .number(Double(text.unicodeScalars.count)),
            "ends_with_ellipsis": .bool(text.hasSuffix("...") || text.hasSuffix("…")), "source": .string(source),
        ]
    }

    /// Git's blob hash of `bytes`: SHA-1 of `blob <length>\0` followed by the bytes.
    static func gitBlobHash(_ bytes: [UInt8]) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: Data("blob \(bytes.count)\u{0}".utf8))
        hasher.update(data: bytes)
        return StableHash.hex(hasher.finalize())
    }

    /// Fetches and decodes a JSON answer.
    private func decode<T: Decodable>(_ url: String, what: String) async throws -> T {
        let body = try await fetch(url)
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw DatasetDownloadError(
                .malformedResponse, "\(Self.host(url)) sent something other than \(what) for \(url): \(Self.snippet(body))")
        }
    }
}
