import CollabBenchCore
import Foundation

/// Loads task packs from disk and resolves pack names to folders.
public enum PackLoader {
    /// Names of the packs shipped in the project's `Tasks/` folder.
    public static let builtInNames = ["math", "code", "docs"]

    /// Resolves a pack (a folder path, or the name of a built-in pack) to a folder.
    ///
    /// Names are looked up in `COLLABBENCH_TASKS_DIR`, then `./Tasks`, then each of `searchRoots`
    /// (a front end passes, say, the `Tasks` folder of the checkout its executable was built in).
    /// - Throws: ``CollabBenchError`` (`.unknownPack`) naming where it looked.
    public static func resolve(
        _ nameOrPath: String, environment: [String: String] = ProcessInfo.processInfo.environment, searchRoots: [String] = []
    ) throws -> String {
        // A folder holding a pack is taken as given; a bare name that is not one (say a `docs/`
        // folder in the current directory) is looked up among the packs.
        let looksLikePath = nameOrPath.contains("/") || nameOrPath.hasPrefix(".")
        if FileManager.default.fileExists(atPath: nameOrPath + "/pack.json") || (looksLikePath && isDirectory(nameOrPath)) {
            return nameOrPath
        }
        if looksLikePath {
            // A path that cannot be looked into is not "unknown": say what stops it.
            let reason = PackValidator.unreadableReason(nameOrPath)
            if reason.contains("permission denied") {
                throw CollabBenchError(.unknownPack, "pack folder \(nameOrPath) \(reason)")
            }
        }
        var roots: [String] = []
        if let env = environment["COLLABBENCH_TASKS_DIR"], !env.isEmpty { roots.append(env) }
        roots.append(FileManager.default.currentDirectoryPath + "/Tasks")
        roots += searchRoots
        for root in roots {
            let candidate = root + "/" + nameOrPath
            if FileManager.default.fileExists(atPath: candidate + "/pack.json") { return candidate }
        }
        throw CollabBenchError(
            .unknownPack,
            "unknown pack '\(nameOrPath)': not a folder, and no \(nameOrPath)/pack.json in \(roots.joined(separator: ", ")) (built-in packs: \(builtInNames.joined(separator: ", ")))")
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    /// Loads and checks the pack in `directory`.
    /// - Throws: ``CollabBenchError`` naming the file and line of the first problem; use
    ///   ``PackValidator`` to list them all.
    public static func load(directory: String) throws -> TaskPack {
        let report = PackValidator.validate(directory: directory)
        if let first = report.problems.first {
            let more = report.problems.count > 1 ? " (and \(report.problems.count - 1) more problems; run 'collabbench tasks validate \(directory)')" : ""
            throw CollabBenchError(first.isManifest ? .malformedPack : .malformedTask, first.description + more)
        }
        guard let pack = report.pack else {
            throw CollabBenchError(.malformedPack, "\(directory): could not be loaded")
        }
        return pack
    }
}
