import CollabBenchProcess
import Foundation

/// Runs a program from a test and captures its output, through ``ChildProcess``: no thread
/// blocks, output goes to temporary files (no pipe to drain, so no deadlock however much the
/// program writes), and a program that outlives its time limit is killed and reported as an error
/// naming it, so a test fails instead of hanging.
///
/// ```swift
/// let result = try await TestProcess.run("/usr/bin/python3", ["-c", "print(1)"])
/// #expect(result.status == 0 && result.stdoutText == "1\n")
/// ```
public enum TestProcess {
    /// What a finished program left.
    public struct Output: Sendable {
        /// How it ended.
        public var termination: ChildProcess.Termination
        /// Everything it wrote to stdout.
        public var stdout: Data
        /// Everything it wrote to stderr.
        public var stderr: Data

        /// Its exit status (the signal number when a signal killed it).
        public var status: Int32 { termination.status }
        /// stdout as UTF-8 text.
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        /// stderr as UTF-8 text.
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// A program that did not finish in time (it was killed).
    public struct TimedOut: Error, CustomStringConvertible {
        /// The command line.
        public var command: String
        /// The limit it exceeded.
        public var limit: Duration
        /// What it had written to stderr.
        public var stderr: String

        /// One line naming the command.
        public var description: String { "\(command) did not finish within \(limit) and was killed; stderr: \(stderr.suffix(500))" }
    }

    /// Runs `executable` with `arguments` and waits (without blocking a thread) for it to end.
    /// - Parameters:
    ///   - executable: the program's path.
    ///   - arguments: its arguments.
    ///   - stdin: a file for its stdin (nil: `/dev/null`).
    ///   - environment: its whole environment (nil: the test process's).
    ///   - directory: where it runs (nil: the current directory).
    ///   - timeLimit: how long it may run before it is killed and ``TimedOut`` is thrown.
    /// - Returns: its status and output.
    /// - Throws: ``ChildProcessError`` when it cannot start, ``TimedOut``, or `CancellationError`.
    public static func run(
        _ executable: String,
        _ arguments: [String] = [],
        stdin: String? = nil,
        environment: [String: String]? = nil,
        directory: String? = nil,
        timeLimit: Duration = .seconds(600)
    ) async throws -> Output {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cb-test-process-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outPath = folder + "/stdout"
        let errPath = folder + "/stderr"
        let child = try ChildProcess.start(
            .init(
                executable: executable, arguments: arguments, environment: environment, workingDirectory: directory,
                standardInput: stdin.map { .file($0) } ?? .nullDevice, standardOutput: .file(outPath), standardError: .file(errPath)))
        let completion = try await child.run(deadline: timeLimit)
        let stdout = FileManager.default.contents(atPath: outPath) ?? Data()
        let stderr = FileManager.default.contents(atPath: errPath) ?? Data()
        switch completion {
        case .exited(let termination):
            return Output(termination: termination, stdout: stdout, stderr: stderr)
        case .stoppedAtDeadline:
            throw TimedOut(
                command: ([executable] + arguments).joined(separator: " "), limit: timeLimit,
                stderr: String(decoding: stderr, as: UTF8.self))
        }
    }
}
