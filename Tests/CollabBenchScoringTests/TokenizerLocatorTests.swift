import CollabBenchMetrics
import CollabBenchScoring
import Foundation
import Testing

/// A temporary directory tree removed when the value goes away.
private final class TokenizerTempDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "tokenizer-locator-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Creates `relative` (a directory) and returns its path.
    func directory(_ relative: String) throws -> String {
        let full = (path as NSString).appendingPathComponent(relative)
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        return full
    }

    /// Writes `contents` to `name` inside `directory` and returns the file's path.
    @discardableResult
    func write(_ contents: Data, to name: String, in directory: String) throws -> String {
        let file = (directory as NSString).appendingPathComponent(name)
        try contents.write(to: URL(fileURLWithPath: file))
        return file
    }
}

/// A downloader that returns a fixed result and counts its calls.
private struct FakeTokenizerDownloader: TokenizerDownloading {
    actor Calls {
        var urls: [URL] = []
        func record(_ url: URL) { urls.append(url) }
    }

    struct Offline: Error, CustomStringConvertible {
        var description: String { "the network is unreachable" }
    }

    let result: Result<Data, any Error>
    let calls = Calls()

    func download(_ url: URL) async throws -> Data {
        await calls.record(url)
        return try result.get()
    }
}

/// The real rank file from the shared data, when present.
private func realRankFile(_ encoding: TokenizerEncodingName) -> Data? {
    let environment = ProcessInfo.processInfo.environment
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let shared =
        environment["COLLABBENCH_SHARED_DATA"]
        ?? root.deletingLastPathComponent().appendingPathComponent("shared/data").path
    for case let directory? in [environment["COLLABBENCH_TOKENIZER_DIR"], shared + "/tokenizers"] {
        if let data = FileManager.default.contents(atPath: directory + "/" + encoding.rankFileName) { return data }
    }
    return nil
}

private let hasRealRankFile = realRankFile(.cl100kBase) != nil

@Suite(.timeLimit(.minutes(5)))
struct TokenizerLocatorTests {
    @Test func searchesExplicitThenEnvironmentThenUserCache() throws {
        let temp = try TokenizerTempDirectory()
        let explicit = try temp.directory("explicit")
        let fromEnvironment = try temp.directory("env")
        let home = try temp.directory("home")
        let cache = try temp.directory("home/.cache/collabbench/tokenizers")
        let name = TokenizerEncodingName.cl100kBase.rankFileName
        let locator = TokenizerLocator(
            explicitDirectory: explicit,
            environment: ["HOME": home, "COLLABBENCH_TOKENIZER_DIR": fromEnvironment])
        #expect(locator.searchDirectories == [explicit, fromEnvironment, cache])

        let inCache = try temp.write(Data("c".utf8), to: name, in: cache)
        let inEnvironment = try temp.write(Data("b".utf8), to: name, in: fromEnvironment)
        let inExplicit = try temp.write(Data("a".utf8), to: name, in: explicit)
        #expect(locator.locate(.cl100kBase) == .file(path: inExplicit))
        try FileManager.default.removeItem(atPath: inExplicit)
        #expect(locator.locate(.cl100kBase) == .file(path: inEnvironment))
        try FileManager.default.removeItem(atPath: inEnvironment)
        #expect(locator.locate(.cl100kBase) == .file(path: inCache))
        try FileManager.default.removeItem(atPath: inCache)
        #expect(
            locator.locate(.cl100kBase)
                == .download(
                    url: "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
                    destination: inCache))
        // Another encoding's file does not count.
        try temp.write(Data("o".utf8), to: TokenizerEncodingName.o200kBase.rankFileName, in: explicit)
        #expect(locator.locate(.o200kBase) == .file(path: explicit + "/o200k_base.tiktoken"))
        #expect(locator.locate(.cl100kBase) != .file(path: explicit + "/o200k_base.tiktoken"))
    }

    @Test func userCacheFollowsXDGCacheHome() {
        let locator = TokenizerLocator(environment: ["HOME": "/home/u", "XDG_CACHE_HOME": "/var/cache/u"])
        #expect(locator.cacheDirectory == "/var/cache/u/collabbench/tokenizers")
        #expect(
            TokenizerLocator(environment: ["HOME": "/home/u"]).cacheDirectory == "/home/u/.cache/collabbench/tokenizers"
        )
        #expect(TokenizerLocator(environment: [:]).searchDirectories.isEmpty)
    }

    @Test func checksumMismatchNamesTheFile() async throws {
        let temp = try TokenizerTempDirectory()
        let explicit = try temp.directory("explicit")
        let file = try temp.write(Data("IQ== 0\n".utf8), to: "o200k_base.tiktoken", in: explicit)
        let downloader = FakeTokenizerDownloader(result: .failure(FakeTokenizerDownloader.Offline()))
        let locator = TokenizerLocator(explicitDirectory: explicit, environment: [:], downloader: downloader)
        let error = try await #require(throws: TokenizerLocatorError.self) {
            try await locator.load(.o200kBase)
        }
        #expect(error.code == .checksumMismatch)
        #expect(error.location == file)
        #expect(error.description.hasPrefix(file + ": SHA-256 "))
        #expect(error.description.contains(TokenizerEncodingName.o200kBase.expectedSHA256))
        #expect(!error.description.contains("\n"))
        #expect(await downloader.calls.urls.isEmpty)
    }

    @Test func downloadFailureNamesTheURLAndTheAlternatives() async throws {
        let temp = try TokenizerTempDirectory()
        let home = try temp.directory("home")
        let downloader = FakeTokenizerDownloader(result: .failure(FakeTokenizerDownloader.Offline()))
        let locator = TokenizerLocator(explicitDirectory: nil, environment: ["HOME": home], downloader: downloader)
        let error = try await #require(throws: TokenizerLocatorError.self) {
            try await locator.load(.cl100kBase)
        }
        let url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
        #expect(error.code == .downloadFailed)
        #expect(error.location == url)
        #expect(error.description.hasPrefix(url + ": "))
        #expect(error.description.contains("the network is unreachable"))
        #expect(error.description.contains("--tokenizer-dir"))
        #expect(error.description.contains("COLLABBENCH_TOKENIZER_DIR"))
        #expect(!error.description.contains("\n"))
        #expect(await downloader.calls.urls == [URL(string: url)!])
    }

    @Test func corruptDownloadIsNotCached() async throws {
        let temp = try TokenizerTempDirectory()
        let home = try temp.directory("home")
        let downloader = FakeTokenizerDownloader(result: .success(Data("garbage".utf8)))
        let locator = TokenizerLocator(explicitDirectory: nil, environment: ["HOME": home], downloader: downloader)
        let error = try await #require(throws: TokenizerLocatorError.self) {
            try await locator.load(.o200kBase)
        }
        #expect(error.code == .checksumMismatch)
        #expect(error.location == TokenizerEncodingName.o200kBase.canonicalURL)
        #expect(!FileManager.default.fileExists(atPath: home + "/.cache/collabbench/tokenizers/o200k_base.tiktoken"))
    }

    @Test(.enabled(if: hasRealRankFile))
    func downloadsOnceIntoTheUserCache() async throws {
        let temp = try TokenizerTempDirectory()
        let home = try temp.directory("home")
        let real = try #require(realRankFile(.cl100kBase))
        let downloader = FakeTokenizerDownloader(result: .success(real))
        let locator = TokenizerLocator(explicitDirectory: nil, environment: ["HOME": home], downloader: downloader)

        let first = try await locator.load(.cl100kBase)
        #expect(first.encode("hello world") == [15339, 1917])
        let cached = home + "/.cache/collabbench/tokenizers/cl100k_base.tiktoken"
        #expect(FileManager.default.contents(atPath: cached) == real)
        #expect(locator.locate(.cl100kBase) == .file(path: cached))

        let second = try await TokenizerLocator(
            explicitDirectory: nil, environment: ["HOME": home], downloader: downloader
        )
        .load(.cl100kBase)
        #expect(second.count("hello world") == 2)
        #expect(await downloader.calls.urls.count == 1)
    }

    @Test(.enabled(if: hasRealRankFile))
    func loadedTokenizersAreSharedPerFile() async throws {
        let temp = try TokenizerTempDirectory()
        let explicit = try temp.directory("explicit")
        try temp.write(try #require(realRankFile(.cl100kBase)), to: "cl100k_base.tiktoken", in: explicit)
        let downloader = FakeTokenizerDownloader(result: .failure(FakeTokenizerDownloader.Offline()))
        let locator = TokenizerLocator(explicitDirectory: explicit, environment: [:], downloader: downloader)
        async let a = locator.load(.cl100kBase)
        async let b = locator.load(.cl100kBase)
        let (first, second) = try await (a, b)
        let third = try await locator.load(.cl100kBase)
        #expect(first === second)
        #expect(first === third)
        #expect(first.encoding == .cl100kBase)
        #expect(try await locator.loadRankFile(.cl100kBase).count > 1_000_000)
    }
}
