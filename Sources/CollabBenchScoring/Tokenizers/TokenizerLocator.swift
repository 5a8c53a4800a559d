import CollabBenchCore
import CollabBenchMetrics
import Crypto
import Foundation

/// Finds, verifies and loads tiktoken rank files, and builds ``BPETokenizer``s from them.
///
/// A rank file `<encoding>.tiktoken` is looked for, in order, in:
/// 1. the explicit directory (the command line's `--tokenizer-dir`),
/// 2. the directory in `COLLABBENCH_TOKENIZER_DIR`,
/// 3. the user cache, `$XDG_CACHE_HOME/collabbench/tokenizers` or else
///    `~/.cache/collabbench/tokenizers`;
///
/// and when none has it, it is downloaded once from tiktoken's canonical URL into the user cache.
/// Every file, found or downloaded, must have the SHA-256 that tiktoken pins. Loaded tokenizers are
/// kept for the life of the process, so each rank file is read and parsed once.
///
/// ```swift
/// let tokenizer = try await TokenizerLocator(explicitDirectory: "/data/tokenizers").load(.cl100kBase)
/// ```
public struct TokenizerLocator: Sendable {
    /// The environment variable naming a directory of rank files.
    public static let environmentVariable = "COLLABBENCH_TOKENIZER_DIR"

    /// The directory given on the command line, if any.
    public let explicitDirectory: String?
    /// The environment consulted for `COLLABBENCH_TOKENIZER_DIR`, `XDG_CACHE_HOME` and `HOME`.
    public let environment: [String: String]
    /// Fetches a file when no directory has it.
    let downloader: any TokenizerDownloading
    /// The per-process store of loaded tokenizers.
    let cache: TokenizerCache

    /// Creates a locator that downloads with `URLSession` and shares the process-wide cache.
    ///
    /// - Parameters:
    ///   - explicitDirectory: A directory searched first (`--tokenizer-dir`).
    ///   - environment: The environment to read (injectable for tests).
    public init(
        explicitDirectory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.init(
            explicitDirectory: explicitDirectory, environment: environment,
            downloader: URLSessionTokenizerDownloader())
    }

    /// Creates a locator with a custom downloader.
    ///
    /// - Parameters:
    ///   - explicitDirectory: A directory searched first (`--tokenizer-dir`).
    ///   - environment: The environment to read.
    ///   - downloader: Fetches the canonical URL when no directory has the file.
    public init(
        explicitDirectory: String?, environment: [String: String], downloader: any TokenizerDownloading
    ) {
        self.explicitDirectory = explicitDirectory.flatMap { $0.isEmpty ? nil : $0 }
        self.environment = environment
        self.downloader = downloader
        self.cache = .shared
    }

    // MARK: - Where files are

    /// Where a rank file comes from.
    public enum Source: Sendable, Equatable {
        /// An existing file.
        case file(path: String)
        /// No directory has it: it will be downloaded from `url` and saved at `destination`.
        case download(url: String, destination: String?)
    }

    /// The user cache directory (`$XDG_CACHE_HOME/collabbench/tokenizers`, else
    /// `$HOME/.cache/collabbench/tokenizers`), or nil when neither variable is set.
    public var cacheDirectory: String? {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return (xdg as NSString).appendingPathComponent("collabbench/tokenizers")
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return (home as NSString).appendingPathComponent(".cache/collabbench/tokenizers")
    }

    /// The directories searched, in order: explicit, `COLLABBENCH_TOKENIZER_DIR`, user cache.
    public var searchDirectories: [String] {
        var directories: [String] = []
        if let explicitDirectory { directories.append((explicitDirectory as NSString).expandingTildeInPath) }
        if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            directories.append((fromEnvironment as NSString).expandingTildeInPath)
        }
        if let cacheDirectory { directories.append(cacheDirectory) }
        return directories
    }

    /// Finds where the rank file of `encoding` comes from, without reading it.
    ///
    /// - Parameter encoding: The encoding whose `<encoding>.tiktoken` is wanted.
    /// - Returns: The first existing file in ``searchDirectories``, else the download plan.
    public func locate(_ encoding: TokenizerEncodingName) -> Source {
        for directory in searchDirectories {
            let path = (directory as NSString).appendingPathComponent(encoding.rankFileName)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return .file(path: path)
            }
        }
        return .download(
            url: encoding.canonicalURL,
            destination: cacheDirectory.map { ($0 as NSString).appendingPathComponent(encoding.rankFileName) })
    }

    // MARK: - Loading

    /// Loads the tokenizer for `encoding`, reading and parsing its rank file at most once per
    /// process (per file path).
    ///
    /// - Parameter encoding: The encoding to load.
    /// - Returns: A shared, immutable tokenizer.
    /// - Throws: ``TokenizerLocatorError`` when the file is unreadable, fails its checksum, cannot
    ///   be downloaded or cached, or does not parse.
    public func load(_ encoding: TokenizerEncodingName) async throws -> BPETokenizer {
        let source = locate(encoding)
        let key: String
        switch source {
        case .file(let path): key = "\(encoding.rawValue)|\(path)"
        case .download(let url, let destination): key = "\(encoding.rawValue)|\(destination ?? url)"
        }
        return try await cache.tokenizer(for: key) {
            let bytes = try await self.rankFileBytes(encoding, from: source)
            do {
                return try BPETokenizer(encoding: encoding, rankFile: bytes)
            } catch {
                throw TokenizerLocatorError(
                    code: .invalidRankFile, location: Self.describe(source),
                    message: "cannot parse the rank file: \(error)")
            }
        }
    }

    /// Returns the verified bytes of the rank file of `encoding`, downloading it into the user
    /// cache if no directory has it.
    ///
    /// - Parameter encoding: The encoding whose rank file is wanted.
    /// - Returns: Bytes whose SHA-256 equals tiktoken's pin.
    /// - Throws: ``TokenizerLocatorError``.
    public func loadRankFile(_ encoding: TokenizerEncodingName) async throws -> [UInt8] {
        try await rankFileBytes(encoding, from: locate(encoding))
    }

    /// Reads (or downloads and caches) and verifies the bytes from `source`.
    private func rankFileBytes(_ encoding: TokenizerEncodingName, from source: Source) async throws -> [UInt8] {
        switch source {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TokenizerLocatorError(code: .unreadable, location: path, message: "cannot read the rank file")
            }
            try Self.verify(data, encoding: encoding, location: path)
            return [UInt8](data)
        case .download(let url, let destination):
            let data: Data
            do {
                data = try await downloader.download(URL(string: url)!)
            } catch {
                let searched =
                    searchDirectories.isEmpty ? "" : " (not found in \(searchDirectories.joined(separator: ", ")))"
                throw TokenizerLocatorError(
                    code: .downloadFailed, location: url,
                    message: "cannot download \(encoding.rankFileName)\(searched): \(Self.oneLine(error)); "
                        + "put \(encoding.rankFileName) in a directory and pass --tokenizer-dir DIR "
                        + "or set \(Self.environmentVariable)=DIR")
            }
            try Self.verify(data, encoding: encoding, location: url)
            if let destination {
                do {
                    try FileManager.default.createDirectory(
                        atPath: (destination as NSString).deletingLastPathComponent,
                        withIntermediateDirectories: true)
                    try data.write(to: URL(fileURLWithPath: destination), options: .atomic)
                } catch {
                    throw TokenizerLocatorError(
                        code: .cacheWriteFailed, location: destination,
                        message: "cannot save the downloaded rank file: \(Self.oneLine(error))")
                }
            }
            return [UInt8](data)
        }
    }

    // MARK: - Checks

    /// Throws unless `data` hashes to tiktoken's pin for `encoding`.
    static func verify(_ data: Data, encoding: TokenizerEncodingName, location: String) throws {
        let digest = StableHash.hex(SHA256.hash(data: data))
        guard digest == encoding.expectedSHA256 else {
            throw TokenizerLocatorError(
                code: .checksumMismatch, location: location,
                message: "SHA-256 \(digest) is not tiktoken's \(encoding.expectedSHA256) for "
                    + "\(encoding.rankFileName); replace the file with the canonical one from \(encoding.canonicalURL)")
        }
    }

    /// A short name for a source in messages.
    private static func describe(_ source: Source) -> String {
        switch source {
        case .file(let path): path
        case .download(let url, _): url
        }
    }

    /// An error's description on one line.
    private static func oneLine(_ error: any Error) -> String {
        String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

// MARK: - Canonical files

extension TokenizerEncodingName {
    /// The URL tiktoken downloads this encoding's rank file from.
    public var canonicalURL: String {
        "https://openaipublic.blob.core.windows.net/encodings/\(rankFileName)"
    }

    /// The SHA-256 (lowercase hex) that tiktoken pins for this encoding's rank file.
    public var expectedSHA256: String {
        switch self {
        case .cl100kBase: "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
        case .o200kBase: "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
        }
    }
}

// MARK: - Process-wide cache

/// Loaded tokenizers by key, shared by every locator in the process. Concurrent loads of the same
/// key share one task; failures are not kept, so a later call retries.
actor TokenizerCache {
    /// The process-wide instance.
    static let shared = TokenizerCache()

    private var entries: [String: Task<BPETokenizer, any Error>] = [:]

    /// The tokenizer stored under `key`, loading it with `make` on first use.
    func tokenizer(
        for key: String, make: @escaping @Sendable () async throws -> BPETokenizer
    ) async throws -> BPETokenizer {
        let task: Task<BPETokenizer, any Error>
        if let existing = entries[key] {
            task = existing
        } else {
            task = Task { try await make() }
            entries[key] = task
        }
        do {
            return try await task.value
        } catch {
            if entries[key] == task { entries[key] = nil }
            throw error
        }
    }
}
