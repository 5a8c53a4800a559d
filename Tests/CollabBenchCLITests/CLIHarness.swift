import CollabBenchTestSupport
import Foundation

/// Runs the built `collabbench` executable and captures its output.
enum CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The binary: `COLLABBENCH_BIN`, else the one built with this test bundle (see ``BuildProducts``).
    static var binary: String? { BuildProducts.collabbench }

    static var available: Bool { binary != nil }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the tool with `arguments` in the checkout's root folder, through ``TestProcess``:
    /// output goes to temporary files (no pipes to drain) and the wait does not block a thread.
    static func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> Output {
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in extra { environment[k] = v }
        let result = try await TestProcess.run(binary!, arguments, environment: environment, directory: root)
        return Output(status: result.status, stdout: result.stdoutText, stderr: result.stderrText)
    }

    static func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cb-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
