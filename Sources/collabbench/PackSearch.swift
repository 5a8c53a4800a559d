import CollabBenchPacks
import Foundation

/// Where the command line looks for built-in packs beyond `COLLABBENCH_TASKS_DIR` and `./Tasks`.
enum PackSearch {
    /// The `Tasks` folder of the checkout this executable was built in (`.build/<config>/collabbench`), if any.
    static let roots: [String] = {
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = url.appendingPathComponent("Tasks").path
            if FileManager.default.fileExists(atPath: candidate) { return [candidate] }
            url.deleteLastPathComponent()
        }
        return []
    }()

    /// Resolves a pack name or folder as `PackLoader.resolve` does, with ``roots`` searched last.
    static func resolve(_ nameOrPath: String) throws -> String {
        try PackLoader.resolve(nameOrPath, searchRoots: roots)
    }
}
