import Foundation

/// Where the importer tests find their fixtures, temporary folders and the shared data.
enum TestFixtures {
    /// This test target's folder.
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// Path of a file under `Fixtures/`.
    static func path(_ name: String) -> String {
        testsDirectory.appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }

    /// The shared data folder (`COLLABBENCH_SHARED_DATA`, else `<package root>/../shared/data`), or
    /// nil when it is absent.
    static let sharedData: String? = {
        let environment = ProcessInfo.processInfo.environment
        let root = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
        let path = environment["COLLABBENCH_SHARED_DATA"].flatMap { $0.isEmpty ? nil : $0 }
            ?? root.appendingPathComponent("../shared/data").standardizedFileURL.path
        return FileManager.default.fileExists(atPath: path + "/math/math_all.jsonl.gz") ? path : nil
    }()

    /// A new empty temporary folder.
    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cb-import-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes `text` to a new temporary file named `name` and returns its path.
    static func temporaryFile(_ name: String, _ text: String) throws -> String {
        try temporaryFile(name, Data(text.utf8))
    }

    /// Writes `data` to a new temporary file named `name` and returns its path.
    static func temporaryFile(_ name: String, _ data: Data) throws -> String {
        let path = try temporaryDirectory() + "/" + name
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The lines of a JSON Lines fixture, decoded.
    static func jsonLines<T: Decodable>(_ name: String, as type: T.Type) throws -> [T] {
        let text = try String(contentsOfFile: path(name), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }

    /// Counts whitespace-separated words: the stand-in token counter of the article fixtures.
    static let wordCount: @Sendable (String) -> Int = { text in
        text.split(whereSeparator: { $0.isWhitespace }).count
    }
}
