import CollabBenchProcess
import Foundation

/// One start of `sandbox_runner.py`: its temporary files, its process, and its teardown.
///
/// The request travels in a file and the result comes back through a file, so no pipe can fill
/// up and stall either side.
struct SupervisorLaunch: Sendable {
    /// How waiting for the supervisor ended.
    enum Outcome: Sendable {
        /// It exited by itself.
        case exited(status: Int32)
        /// It outlived the outer timeout and was killed.
        case killedAfterTimeout(seconds: Double)
    }

    let executable: URL
    let arguments: [String]
    let folder: URL
    let environment: [String: String]

    var stdoutFile: URL { folder.appendingPathComponent("result.jsonl") }
    var stderrFile: URL { folder.appendingPathComponent("stderr.txt") }

    /// Writes the request and resolves the interpreter.
    static func prepare(python: String, request: RunnerRequest) throws -> SupervisorLaunch {
        guard let runner = Bundle.module.url(forResource: "sandbox_runner", withExtension: "py") else {
            throw CodeSandboxError(.runnerMissing, "sandbox_runner.py not found in \(Bundle.module.bundlePath)")
        }
        let parentEnvironment = ProcessInfo.processInfo.environment
        let executable = try resolve(python: python, path: parentEnvironment["PATH"])
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("collabbench-run-\(UUID().uuidString)")
        let requestFile = folder.appendingPathComponent("request.json")
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let encoder = JSONEncoder()
            try encoder.encode(request).write(to: requestFile)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw CodeSandboxError(.io, "cannot write the run request in \(folder.path): \(error)")
        }
        return SupervisorLaunch(
            executable: executable,
            arguments: [runner.path, "--request", requestFile.path],
            folder: folder,
            environment: supervisorEnvironment(parentEnvironment)
        )
    }

    /// The supervisor's environment: an allow-list of the parent's, never a secret.
    ///
    /// `HOME` and the pyenv variables let a pyenv shim find its interpreter; the supervisor builds
    /// the program's own environment afresh.
    static func supervisorEnvironment(_ parent: [String: String]) -> [String: String] {
        let allowed: Set<String> = [
            "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "PYENV_ROOT", "PYENV_VERSION",
            "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
        ]
        var environment: [String: String] = [:]
        for (name, value) in parent where allowed.contains(name) && !isSecretName(name) {
            environment[name] = value
        }
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        return environment
    }

    /// Whether an environment variable's name suggests a credential.
    static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        return upper.contains("API") || upper.hasSuffix("_KEY") || upper.hasSuffix("_TOKEN")
            || upper.hasSuffix("_SECRET")
    }

    /// A path for `python`: itself when it names a file, else the first match on `PATH`.
    static func resolve(python: String, path: String?) throws -> URL {
        if python.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: python) else {
                throw CodeSandboxError(.pythonNotFound, "no executable interpreter at \(python)")
            }
            return URL(fileURLWithPath: python)
        }
        let folders = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for folder in folders where !folder.isEmpty {
            let candidate = "\(folder)/\(python)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return URL(fileURLWithPath: candidate)
            }
        }
        throw CodeSandboxError(.pythonNotFound, "'\(python)' is not on PATH")
    }

    /// Starts the supervisor and waits for it, killing it after `outerTimeout` seconds or on
    /// cancellation: `SIGTERM` to the supervisor alone (it tears its sandbox down), then after
    /// 3 s `SIGKILL` to its process group.
    func run(outerTimeout: Double) async throws -> Outcome {
        let child: ChildProcess
        do {
            child = try ChildProcess.start(
                .init(
                    executable: executable.path, arguments: arguments, environment: environment,
                    workingDirectory: folder.path, standardInput: .nullDevice,
                    standardOutput: .file(stdoutFile.path), standardError: .file(stderrFile.path)))
        } catch let error as ChildProcessError where error.code == .cannotStart {
            throw CodeSandboxError(.pythonNotFound, error.message)
        } catch {
            throw CodeSandboxError(.io, "cannot create output files in \(folder.path): \(error)")
        }
        let deadline = Duration.milliseconds(Int64(outerTimeout * 1000))
        switch try await child.run(deadline: deadline, teardown: .init(terminatesGroup: false, grace: .seconds(3))) {
        case .exited(let termination):
            return .exited(status: termination.status)
        case .stoppedAtDeadline:
            return .killedAfterTimeout(seconds: outerTimeout)
        }
    }

    /// The result for how the supervisor ended.
    func result(after outcome: Outcome, limits: SandboxLimits) throws -> CodeRunResult {
        let stdoutText = (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? ""
        let lastLine = stdoutText.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) }
        if let lastLine, let data = String(lastLine).data(using: .utf8),
            let report = try? JSONDecoder().decode(RunnerReport.self, from: data)
        {
            return report.codeRunResult()
        }
        switch outcome {
        case .killedAfterTimeout(let seconds):
            return CodeRunResult(
                status: .timeout,
                detail: "the sandbox supervisor outlived the outer limit of \(Int(seconds)) s and was killed",
                durationSeconds: seconds
            )
        case .exited(let status):
            let stderrText = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
            let tail = stderrText.split(separator: "\n").suffix(3).joined(separator: " | ")
            throw CodeSandboxError(
                .supervisorFailed,
                "\(executable.path) \(arguments.first ?? "") exited with status \(status) without a result: \(tail)"
            )
        }
    }

    /// Removes the run's temporary files.
    func cleanUp() {
        try? FileManager.default.removeItem(at: folder)
    }
}
