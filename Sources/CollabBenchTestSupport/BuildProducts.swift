import Foundation

/// The build products of the running test bundle: tests that run the `collabbench` binary run
/// the one built by the same `swift build`/`swift test` invocation (the test targets depend on
/// it, so SwiftPM rebuilds it), never a stale one from another build folder.
public enum BuildProducts {
    /// The folder holding the running test bundle (SwiftPM's products folder, e.g. `.build/debug`).
    public static var folder: URL? {
        #if os(Linux)
            // The test runner is the bundle's own executable.
            let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        #else
            guard let executable = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") })?.bundleURL else {
                return nil
            }
        #endif
        var folder = executable.deletingLastPathComponent()
        // On Darwin the bundle's binary sits inside `<name>.xctest/Contents/MacOS/`.
        while folder.pathComponents.contains(where: { $0.hasSuffix(".xctest") }) {
            folder = folder.deletingLastPathComponent()
        }
        return folder
    }

    /// The `collabbench` binary to run: `COLLABBENCH_BIN` when set, else the one next to this
    /// test bundle; nil when neither is an executable file.
    public static var collabbench: String? {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment["COLLABBENCH_BIN"], !chosen.isEmpty {
            return FileManager.default.isExecutableFile(atPath: chosen) ? chosen : nil
        }
        guard let path = folder?.appendingPathComponent("collabbench").path else { return nil }
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}
