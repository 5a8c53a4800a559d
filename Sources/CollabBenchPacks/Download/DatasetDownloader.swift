import CollabBenchCore
import Foundation

/// Downloads a standard dataset into the cache folder as one JSON Lines file that
/// `collabbench tasks import` reads, checking the published row counts and hashes.
///
/// ```swift
/// let downloader = DatasetDownloader(transport: HTTPDatasetTransport(), cacheDirectory: DatasetCacheFolder.standard())
/// let file = try await downloader.download(.math)       // ~/.cache/collabbench/datasets/hendrycks_math.jsonl
/// ```
///
/// A file already in the cache is used again when its hash still matches the one recorded beside
/// it and it came from the same place. Failures that may pass (no connection, HTTP 429 or 5xx)
/// are retried with growing pauses; what still fails is one ``DatasetDownloadError`` whose
/// message names the host and how to import a local copy instead.
public struct DatasetDownloader<Transport: DatasetTransport>: Sendable {
    /// Fetches the pages and files.
    public var transport: Transport
    /// The cache folder.
    public var cacheDirectory: String
    /// A base URL that replaces the public hosts (a mirror, or a loopback server in tests): rows at
    /// `<base>/rows`, GitHub's API at `<base>/repos/…` and raw files at `<base>/raw/…`.
    public var sourceURL: String?
    /// How many times a failed request is tried again.
    public var retries: Int
    /// The pause before the first retry; each later one doubles it.
    public var retryDelay: Duration
    /// How many requests are in flight at once.
    public var concurrency: Int
    /// Rows per page of the datasets-server (at most 100).
    public var pageLength: Int

    /// Creates a downloader.
    public init(
        transport: Transport, cacheDirectory: String, sourceURL: String? = nil, retries: Int = 4,
        retryDelay: Duration = .seconds(1), concurrency: Int = 4, pageLength: Int = 100
    ) {
        self.transport = transport
        self.cacheDirectory = cacheDirectory
        self.sourceURL = sourceURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.retries = max(0, retries)
        self.retryDelay = retryDelay
        self.concurrency = max(1, concurrency)
        self.pageLength = min(100, max(1, pageLength))
    }

    /// Downloads `source` (or finds it in the cache).
    /// - Parameters:
    ///   - source: the dataset.
    ///   - refresh: fetch again even when the cache holds it.
    ///   - progress: called with a short line now and then (pages or files fetched).
    /// - Returns: the local file, its rows and hash.
    /// - Throws: ``DatasetDownloadError``.
    public func download(
        _ source: DatasetSource, refresh: Bool = false, progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws(DatasetDownloadError) -> DownloadedDataset {
        let origin = self.origin(of: source)
        let path = (cacheDirectory as NSString).appendingPathComponent(source.name + ".jsonl")
        let manifestPath = (cacheDirectory as NSString).appendingPathComponent(source.name + ".json")
        if !refresh, let cached = cached(path: path, manifest: manifestPath, origin: origin) { return cached }
        let lines: [String]
        do {
            switch source.location {
            case .huggingFaceRows(let dataset, let parts):
                lines = try await fetchRows(source: source, dataset: dataset, parts: parts, progress: progress)
            case .gitHubFolder(let owner, let repository, let commit, let folder):
                lines = try await fetchArticles(
                    source: source, owner: owner, repository: repository, commit: commit, folder: folder, progress: progress)
            }
        } catch let error as DatasetDownloadError {
            throw error
        } catch let failure as DatasetTransportFailure {
            throw unreachable(source, failure)
        } catch {
            throw DatasetDownloadError(.malformedResponse, "downloading \(source.name) failed: \(error)")
        }
        return try write(lines, to: path, manifest: manifestPath, origin: origin)
    }

    /// Where `source` is fetched from, recorded with the cached file.
    func origin(of source: DatasetSource) -> String {
        switch source.location {
        case .huggingFaceRows(let dataset, _): "\(sourceURL ?? "https://datasets-server.huggingface.co") \(dataset)"
        case .gitHubFolder(let owner, let repository, let commit, let folder):
            "\(sourceURL ?? "https://github.com") \(owner)/\(repository)@\(commit):\(folder)"
        }
    }

    /// The one line for a host that could not be reached.
    func unreachable(_ source: DatasetSource, _ failure: DatasetTransportFailure) -> DatasetDownloadError {
        let kind = source.kind.rawValue
        return DatasetDownloadError(
            .unreachable,
            "could not reach \(failure.host) (\(failure.reason)) to download \(source.name); "
                + "on a machine without access, import a local copy instead: "
                + "collabbench tasks import \(kind) --from <path>/\(source.localFileHint) --out Tasks/\(source.packNames.full) "
                + (source.fullOptions + ["…"]).joined(separator: " "))
    }

    // MARK: - Requests with retries

    /// Fetches `url`, retrying transport failures, 429 and 5xx; returns a 2xx body.
    func fetch(_ url: String) async throws -> [UInt8] {
        var attempt = 0
        var pause = retryDelay
        while true {
            try Task.checkCancellation()
            let outcome: Result<DatasetResponse, DatasetTransportFailure>
            do {
                outcome = .success(try await transport.get(url))
            } catch let failure as DatasetTransportFailure {
                outcome = .failure(failure)
            }
            switch outcome {
            case .success(let response) where (200..<300).contains(response.status):
                return response.body
            case .success(let response) where response.status == 429 || response.status >= 500:
                if attempt >= retries {
                    throw DatasetDownloadError(
                        .httpError, "\(Self.host(url)) answered HTTP \(response.status) to \(url) \(attempt + 1) times; try again later")
                }
            case .success(let response):
                throw DatasetDownloadError(
                    .httpError, "\(Self.host(url)) answered HTTP \(response.status) to \(url): \(Self.snippet(response.body))")
            case .failure(let failure):
                if attempt >= retries { throw failure }
            }
            attempt += 1
            if pause > .zero { try await Task.sleep(for: pause) }
            pause = pause * 2
        }
    }

    /// Runs `work` for each of `items` with at most ``concurrency`` in flight; results in input order.
    func inOrder<Item: Sendable, Value: Sendable>(
        _ items: [Item], _ work: @escaping @Sendable (Item) async throws -> Value
    ) async throws -> [Value] {
        try await withThrowingTaskGroup(of: (Int, Value).self) { group in
            var results = [Value?](repeating: nil, count: items.count)
            var next = 0
            for _ in 0..<min(concurrency, items.count) {
                let index = next
                let item = items[index]
                group.addTask { (index, try await work(item)) }
                next += 1
            }
            while let (index, value) = try await group.next() {
                results[index] = value
                if next < items.count {
                    let index = next
                    let item = items[index]
                    group.addTask { (index, try await work(item)) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }

    static func host(_ url: String) -> String { URL(string: url)?.host ?? url }

    static func snippet(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return String(text.map { $0.isNewline ? " " : $0 })
    }

    // MARK: - Cache

    private struct CacheManifest: Codable {
        var rows: Int
        var sha256: String
        var origin: String
    }

    /// The cached file, when its recorded hash and origin still match.
    private func cached(path: String, manifest: String, origin: String) -> DownloadedDataset? {
        guard let data = FileManager.default.contents(atPath: manifest),
            let recorded = try? JSONDecoder().decode(CacheManifest.self, from: data), recorded.origin == origin,
            let file = FileManager.default.contents(atPath: path), StableHash.sha256(file) == recorded.sha256
        else { return nil }
        return DownloadedDataset(path: path, rows: recorded.rows, sha256: recorded.sha256, origin: origin, fromCache: true)
    }

    /// Writes the lines and the manifest beside them (each atomically).
    private func write(_ lines: [String], to path: String, manifest: String, origin: String) throws(DatasetDownloadError)
        -> DownloadedDataset
    {
        var text = lines.joined(separator: "\n")
        if !lines.isEmpty { text += "\n" }
        let data = Data(text.utf8)
        let sha = StableHash.sha256(data)
        do {
            try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(CacheManifest(rows: lines.count, sha256: sha, origin: origin))
                .write(to: URL(fileURLWithPath: manifest), options: .atomic)
        } catch {
            throw DatasetDownloadError(.cacheFailure, "cannot write the dataset cache \(cacheDirectory): \(error.localizedDescription)")
        }
        return DownloadedDataset(path: path, rows: lines.count, sha256: sha, origin: origin, fromCache: false)
    }
}
