import Foundation

/// Runs a candidate Python program against a task's `unittest` tests in a sandboxed subprocess,
/// with BigCodeBench's semantics: the program text is `program + "\n" + tests`, `TestCases` is
/// run, and the program passes only if every test passes.
///
/// Each run starts `sandbox_runner.py` (a resource of this module) under the chosen interpreter.
/// That supervisor forks the program into a fresh temporary working directory with resource
/// limits, an allow-listed environment (no secrets), its own unprivileged user id when started
/// as root, and new user, PID, mount and network namespaces where the kernel permits (the
/// result's ``CodeRunResult/isolation`` says which were in force). It kills the whole sandbox at
/// the wall-clock limit. This type adds an outer timeout of its own, so a run never hangs, and
/// waits without blocking a thread of the concurrency pool.
///
/// ```swift
/// let sandbox = CodeSandbox(python: CodeSandbox.defaultPython(packageRoot: root))
/// let result = try await sandbox.run(program: code, tests: tests, entryPoint: "task_func")
/// if result.status == .pass { ... }
/// ```
public struct CodeSandbox: Sendable {
    /// The interpreter: a path, or a command name looked up on `PATH`.
    public let python: String
    /// Limits applied to every run.
    public let limits: SandboxLimits

    /// Creates a sandbox.
    /// - Parameters:
    ///   - python: the interpreter to run programs with (see ``defaultPython(packageRoot:environment:)``).
    ///   - limits: resource limits for each run.
    public init(python: String, limits: SandboxLimits = .init()) {
        self.python = python
        self.limits = limits
    }

    /// Chooses the interpreter for BigCodeBench programs.
    ///
    /// In order: the `COLLABBENCH_CODE_PYTHON` environment variable, then
    /// `<packageRoot>/.venv-code/bin/python` when it exists (made by `scripts/make-code-env.sh`),
    /// then `python3`.
    /// - Parameters:
    ///   - packageRoot: the project's root folder.
    ///   - environment: the environment to read `COLLABBENCH_CODE_PYTHON` from.
    /// - Returns: a path or command name for ``init(python:limits:)``.
    public static func defaultPython(
        packageRoot: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let chosen = environment["COLLABBENCH_CODE_PYTHON"], !chosen.isEmpty {
            return chosen
        }
        let venv = packageRoot.appendingPathComponent(".venv-code/bin/python").path
        if FileManager.default.isExecutableFile(atPath: venv) {
            return venv
        }
        return "python3"
    }

    /// Runs `program` against `tests`.
    /// - Parameters:
    ///   - program: the candidate code (for BigCodeBench, `code_prompt + solution`).
    ///   - tests: the test code defining `class TestCases(unittest.TestCase)`.
    ///   - entryPoint: the function the tests call, recorded for diagnostics.
    /// - Returns: the outcome; failures of the program are results, not errors.
    /// - Throws: ``CodeSandboxError`` when the sandbox itself cannot run, and `CancellationError`
    ///   (after killing the run) when the task is cancelled.
    public func run(program: String, tests: String, entryPoint: String?) async throws -> CodeRunResult {
        try await run(program: program, tests: tests, entryPoint: entryPoint, libraries: [])
    }

    /// Runs `program` against `tests`, naming the libraries the task needs.
    ///
    /// A `ModuleNotFoundError` for a library in `libraries`, one the tests import, or one of the
    /// libraries BigCodeBench tasks use makes the result ``CodeRunResult/Status/skipped``; for
    /// any other module the program is at fault and the run fails.
    /// - Parameters:
    ///   - program: the candidate code.
    ///   - tests: the test code defining `TestCases`.
    ///   - entryPoint: the function the tests call, recorded for diagnostics.
    ///   - libraries: import names the task declares (BigCodeBench's `libs`).
    /// - Returns: the outcome.
    /// - Throws: ``CodeSandboxError`` or `CancellationError`.
    public func run(
        program: String,
        tests: String,
        entryPoint: String?,
        libraries: [String]
    ) async throws -> CodeRunResult {
        try Task.checkCancellation()
        let request = RunnerRequest(
            program: program,
            tests: tests,
            entryPoint: entryPoint,
            libraries: libraries,
            limits: .init(limits)
        )
        let launch = try SupervisorLaunch.prepare(python: python, request: request)
        defer { launch.cleanUp() }
        let outcome = try await launch.run(outerTimeout: limits.outerTimeoutSeconds)
        return try launch.result(after: outcome, limits: limits)
    }
}
