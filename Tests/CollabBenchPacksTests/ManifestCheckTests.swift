@testable import CollabBenchPacks
import CollabBenchCore
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Manifests report every wrong field on one line, kinds name the allowed values, the tasks file
/// stays inside the pack, and unreadable files say why.
@Suite(.timeLimit(.minutes(5)))
struct ManifestCheckTests {
    static let task = #"{"id":"a","prompt":"q","hidden_intent":"h","reference":{"text":"s","answer":"1"}}"#

    func tempPack(manifest: String, tasks: String = task) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cb-pack-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try manifest.write(toFile: dir + "/pack.json", atomically: true, encoding: .utf8)
        try tasks.write(toFile: dir + "/tasks.jsonl", atomically: true, encoding: .utf8)
        return dir
    }

    func loadError(_ dir: String) -> CollabBenchError? {
        do {
            _ = try PackLoader.load(directory: dir)
            return nil
        } catch {
            return error as? CollabBenchError
        }
    }

    @Test func anUnknownKindNamesTheAllowedValues() throws {
        let e = try #require(loadError(try tempPack(manifest: #"{"name":"p","version":"1","kind":"physics"}"#)))
        #expect(e.code == .malformedPack)
        #expect(e.message.contains("'kind' is 'physics'; allowed: math, code, docs"), "\(e.message)")
        #expect(!e.message.contains("Cannot initialize"))
    }

    @Test func everyWrongFieldIsListedOnOneLine() throws {
        let manifest = #"{"name":5,"version":"1","kind":7,"description":[],"max_exchanges":2.5,"metric":{"bleu_mode":"word","token_encoding":1},"source":"x"}"#
        let e = try #require(loadError(try tempPack(manifest: manifest)))
        for needle in [
            "'name' must be a string", "'kind' must be a string, one of math, code, docs", "'description' must be a string",
            "'max_exchanges' must be an integer", "'metric.bleu_mode' is 'word'; allowed: char, sacrebleu",
            "'metric.token_encoding' must be a string", "'source':",
        ] {
            #expect(e.message.contains(needle), "\(needle) in \(e.message)")
        }
        #expect(!e.message.contains("\n"))
        let missing = try #require(loadError(try tempPack(manifest: #"{"kind":"math"}"#)))
        #expect(missing.message.contains("missing field 'name'") && missing.message.contains("missing field 'version'"), "\(missing.message)")
    }

    @Test func aValidManifestHasNoProblems() throws {
        let dir = try tempPack(manifest: #"{"name":"p","version":"1","kind":"math","max_exchanges":null,"metric":{"code_timeout_seconds":30}}"#)
        #expect(PackValidator.validate(directory: dir).problems.isEmpty)
    }

    @Test func theTasksFileMustStayInsideThePack() throws {
        for name in ["../../../../etc/passwd", "/etc/passwd", "sub/../../x.jsonl", ""] {
            let dir = try tempPack(manifest: #"{"name":"p","version":"1","kind":"math","tasks_file":"\#(name)"}"#)
            let e = try #require(loadError(dir), "\(name)")
            #expect(e.message.contains("must name a file inside the pack folder"), "\(name): \(e.message)")
        }
        // A symbolic link that leads out is outside too; one that stays in is fine.
        let dir = try tempPack(manifest: #"{"name":"p","version":"1","kind":"math","tasks_file":"link.jsonl"}"#)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.jsonl", withDestinationPath: "/etc/hostname")
        #expect(loadError(dir)?.message.contains("inside the pack folder") == true)
        let inside = try tempPack(manifest: #"{"name":"p","version":"1","kind":"math","tasks_file":"data/t.jsonl"}"#)
        try FileManager.default.createDirectory(atPath: inside + "/data", withIntermediateDirectories: true)
        try Self.task.write(toFile: inside + "/data/t.jsonl", atomically: true, encoding: .utf8)
        #expect(PackValidator.validate(directory: inside).problems.isEmpty)
    }

    @Test func unreadableFilesSayWhy() throws {
        #expect(PackValidator.reason(errno: EACCES) == "cannot be read (permission denied)")
        #expect(PackValidator.reason(errno: ENOENT) == "does not exist")
        let dir = try tempPack(manifest: #"{"name":"p","version":"1","kind":"math","tasks_file":"nope.jsonl"}"#)
        #expect(loadError(dir)?.message.contains("does not exist") == true)
        let noManifest = FileManager.default.temporaryDirectory.appendingPathComponent("cb-pack-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: noManifest, withIntermediateDirectories: true)
        #expect(loadError(noManifest)?.message.contains("pack manifest does not exist") == true)
    }

    /// Root reads everything, so this runs only as an ordinary user.
    @Test(.enabled(if: getuid() != 0, "root is never denied"))
    func anUntraversableFolderIsPermissionDeniedNotMissing() throws {
        let dir = try tempPack(manifest: #"{"name":"p","version":"1","kind":"math"}"#)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: dir)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir) }
        #expect(loadError(dir)?.message.contains("cannot be read (permission denied)") == true)
        #expect {
            try PackLoader.resolve(dir + "/inner")
        } throws: { error in
            "\(error)".contains("permission denied")
        }
    }
}
