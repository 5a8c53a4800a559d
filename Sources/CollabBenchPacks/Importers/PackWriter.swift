import CollabBenchCore
import Foundation

/// Writes pack folders atomically: into a hidden folder beside the destination, checked, then
/// renamed into place.
enum PackWriter {
    /// Fails early when `directory` exists, is not empty, and may not be replaced.
    static func checkDestination(_ directory: String, overwrite: Bool) throws(PackImportError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else { return }
        if !isDirectory.boolValue {
            throw PackImportError(.outputFailure, file: directory, "exists and is not a folder")
        }
        let isEmpty = (try? FileManager.default.contentsOfDirectory(atPath: directory).isEmpty) ?? false
        if !overwrite && !isEmpty {
            throw PackImportError(.outputFailure, file: directory, "already exists; pass --force to replace it")
        }
    }

    /// Writes `manifest` and `tasks` as a pack at `directory`.
    /// - Throws: ``PackImportError`` (`.outputFailure`) when the folder cannot be written, or the
    ///   written pack does not pass ``PackValidator`` (then nothing is left behind).
    static func write(manifest: PackManifest, tasks: [BenchmarkTask], to directory: String, overwrite: Bool) throws(PackImportError) {
        try checkDestination(directory, overwrite: overwrite)
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let token = UUID().uuidString.prefix(8)
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(token)")
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw PackImportError(.outputFailure, file: directory, "cannot create the folder: \(error.localizedDescription)")
        }
        do {
            try writeContents(manifest: manifest, tasks: tasks, to: staging)
            let report = PackValidator.validate(directory: staging.path)
            if let problem = report.problems.first {
                let where_ = problem.line.map { "\(manifest.tasksFile):\($0)" } ?? URL(fileURLWithPath: problem.file).lastPathComponent
                throw PackImportError(.outputFailure, file: directory, "the imported pack is not valid (\(where_): \(problem.message)); nothing written")
            }
            try moveIntoPlace(staging, target: target)
        } catch {
            try? fm.removeItem(at: staging)
            if let error = error as? PackImportError { throw error }
            throw PackImportError(.outputFailure, file: directory, "cannot write the pack: \(error.localizedDescription)")
        }
    }

    /// Writes `pack.json` and the tasks file into `folder`.
    private static func writeContents(manifest: PackManifest, tasks: [BenchmarkTask], to folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var manifestData = try encoder.encode(manifest)
        manifestData.append(0x0A)
        try manifestData.write(to: folder.appendingPathComponent("pack.json"))
        var lines = [UInt8]()
        lines.reserveCapacity(tasks.count * 2048)
        for task in tasks {
            TaskLineEncoder.append(task, to: &lines)
            lines.append(0x0A)
        }
        try Data(lines).write(to: folder.appendingPathComponent(manifest.tasksFile))
    }

    /// Renames `staging` to `target`, moving an existing `target` aside first and removing it after.
    private static func moveIntoPlace(_ staging: URL, target: URL) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: target.path) else {
            try fm.moveItem(at: staging, to: target)
            return
        }
        let old = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).old-\(UUID().uuidString.prefix(8))")
        try fm.moveItem(at: target, to: old)
        do {
            try fm.moveItem(at: staging, to: target)
        } catch {
            try? fm.moveItem(at: old, to: target)
            throw error
        }
        try? fm.removeItem(at: old)
    }
}

/// Encodes a task as one JSON line with a fixed, readable key order (`id`, `prompt`,
/// `hidden_intent`, `reference`, `metadata` with sorted keys), non-ASCII text kept as is — the
/// layout of the built-in packs, and the same bytes on every run.
enum TaskLineEncoder {
    /// Appends the JSON of `task` (no newline) to `out`.
    static func append(_ task: BenchmarkTask, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        member("id", task.id, first: true, &out)
        member("prompt", task.prompt, &out)
        member("hidden_intent", task.hiddenIntent, &out)
        key("reference", first: false, &out)
        out.append(UInt8(ascii: "{"))
        member("text", task.reference.text, first: true, &out)
        if let answer = task.reference.answer { member("answer", answer, &out) }
        if let test = task.reference.test { member("test", test, &out) }
        if let entryPoint = task.reference.entryPoint { member("entry_point", entryPoint, &out) }
        if let codePrompt = task.reference.codePrompt { member("code_prompt", codePrompt, &out) }
        out.append(UInt8(ascii: "}"))
        key("metadata", first: false, &out)
        out.append(UInt8(ascii: "{"))
        var first = true
        for (name, value) in task.metadata.sorted(by: { $0.key < $1.key }) {
            member(name, value, first: first, &out)
            first = false
        }
        out.append(contentsOf: Array("}}".utf8))
    }

    private static func key(_ name: String, first: Bool, _ out: inout [UInt8]) {
        if !first { out.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " ")]) }
        string(name, &out)
        out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
    }

    private static func member(_ name: String, _ value: String, first: Bool = false, _ out: inout [UInt8]) {
        key(name, first: first, &out)
        string(value, &out)
    }

    /// A JSON string literal: `"` and `\` escaped, control characters as `\n`, `\t`, … or `\u00XX`.
    static func string(_ text: String, _ out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
