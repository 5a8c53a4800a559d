import Foundation
import Testing

@testable import CollabBenchScoring

/// Whether `python3` is on `PATH`.
private let python3Available =
    (try? SupervisorLaunch.resolve(python: "python3", path: ProcessInfo.processInfo.environment["PATH"])) != nil

/// Behaviour of the code sandbox with a plain `python3`: BigCodeBench pass/fail semantics,
/// limits, teardown and the environment the program sees.
@Suite(.timeLimit(.minutes(5)), .enabled(if: python3Available, "needs python3 on PATH"))
struct CodeSandboxTests {
    /// Tests with one test method calling `f()`.
    static let callF = """
        import unittest
        class TestCases(unittest.TestCase):
            def test_f(self):
                f()
        """

    func sandbox(_ limits: SandboxLimits = .init(wallSeconds: 30)) -> CodeSandbox {
        CodeSandbox(python: "python3", limits: limits)
    }

    /// A string no other process on the machine has on its command line.
    func marker() -> String {
        "9\(UInt32.random(in: 100_000...999_999)).\(UInt32.random(in: 100_000...999_999))"
    }

    /// Processes whose command line contains `marker`.
    func processes(containing marker: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(marker) ? "\(pid): \(line)" : nil
        }
    }

    @Test func passingProgramPasses() async throws {
        let program = """
            def task_func(a, b):
                print("adding", a, b)
                return a + b
            """
        let tests = """
            import unittest
            class TestCases(unittest.TestCase):
                def test_small(self):
                    self.assertEqual(task_func(1, 2), 3)
                def test_strings(self):
                    self.assertEqual(task_func("a", "b"), "ab")
            """
        let result = try await sandbox().run(program: program, tests: tests, entryPoint: "task_func")
        #expect(result.status == .pass, "\(result)")
        #expect(result.testsRun == 2)
        #expect(result.failedTests.isEmpty)
        #expect(result.output.contains("adding 1 2"))
    }

    @Test func oneFailingTestFailsTheProgram() async throws {
        let program = "def task_func(x):\n    return x * 2\n"
        let tests = """
            import unittest
            class TestCases(unittest.TestCase):
                def test_right(self):
                    self.assertEqual(task_func(2), 4)
                def test_wrong(self):
                    self.assertEqual(task_func(2), 5)
                def test_raises(self):
                    task_func(None)
            """
        let result = try await sandbox().run(program: program, tests: tests, entryPoint: "task_func")
        #expect(result.status == .fail)
        #expect(result.testsRun == 3)
        #expect(Set(result.failedTests) == ["test_wrong", "test_raises"])
        let wrong = try #require(result.failures.first { $0.test == "test_wrong" })
        #expect(wrong.kind == "failure")
        #expect(wrong.message.contains("AssertionError"))
        #expect(result.failures.first { $0.test == "test_raises" }?.kind == "error")
    }

    @Test func syntaxErrorIsAnError() async throws {
        let result = try await sandbox().run(
            program: "def task_func(:\n    pass\n", tests: Self.callF, entryPoint: "task_func")
        #expect(result.status == .error)
        #expect(result.detail.contains("SyntaxError"))
        #expect(result.testsRun == 0)
    }

    @Test func programsRunAsModuleTestInAnEmptyFolderWithBigCodeBenchDefaults() async throws {
        let program = "import time\n"
        let tests = """
            import unittest
            class TestCases(unittest.TestCase):
                def test_layout(self):
                    self.assertEqual(__name__, "__test__")
                    self.assertEqual(os.listdir("."), [])
                    self.assertEqual(environ.get("TZ"), "UTC")
                    self.assertEqual(os.environ.get("OMP_NUM_THREADS"), "1")
                    self.assertIsNone(exit)
                    with self.assertRaises(OSError):
                        input()
            """
        let result = try await sandbox().run(program: program, tests: tests, entryPoint: nil)
        #expect(result.status == .pass, "\(result.summaryLines())")
    }

    @Test func infiniteLoopTimesOutAndLeavesNoProcess() async throws {
        let mark = marker()
        let program = """
            import subprocess
            def f():
                subprocess.Popen(["sleep", "\(mark)"], start_new_session=True)
                while True:
                    pass
            """
        let limits = SandboxLimits(wallSeconds: 3, cpuSeconds: 30)
        let result = try await sandbox(limits).run(program: program, tests: Self.callF, entryPoint: "f")
        #expect(result.status == .timeout)
        #expect(processes(containing: mark).isEmpty)
    }

    @Test func cpuLimitIsATimeout() async throws {
        let program = "def f():\n    while True:\n        pass\n"
        let limits = SandboxLimits(wallSeconds: 30, cpuSeconds: 1)
        let result = try await sandbox(limits).run(program: program, tests: Self.callF, entryPoint: "f")
        #expect(result.status == .timeout, "\(result.summaryLines())")
    }

    @Test func memoryBombIsContained() async throws {
        let program = """
            def f():
                hoard = []
                while True:
                    hoard.append(bytearray(64 * 1024 * 1024))
            """
        let limits = SandboxLimits(wallSeconds: 30, memoryBytes: 1 << 30)
        let result = try await sandbox(limits).run(program: program, tests: Self.callF, entryPoint: "f")
        #expect(result.status == .fail)
        #expect(result.failures.first?.message.contains("MemoryError") == true, "\(result.summaryLines())")
    }

    @Test func forkBombIsContainedAndCleanedUp() async throws {
        let mark = marker()
        let program = """
            import os
            def f():
                while True:
                    try:
                        if os.fork() == 0:
                            os.execvp("sleep", ["sleep", "\(mark)"])
                    except OSError:
                        pass
            """
        let limits = SandboxLimits(wallSeconds: 4, cpuSeconds: 30, maxProcesses: 32)
        let result = try await sandbox(limits).run(program: program, tests: Self.callF, entryPoint: "f")
        #expect(result.status == .timeout)
        #expect(processes(containing: mark).isEmpty)
    }

    @Test func secretsInTheParentEnvironmentAreInvisible() async throws {
        setenv("OPENAI_API_KEY", "sk-test", 1)
        setenv("COLLABBENCH_SANDBOX_TEST_TOKEN", "tok-test", 1)
        let program = """
            def f():
                assert "OPENAI_API_KEY" not in os.environ, sorted(os.environ)
                assert "COLLABBENCH_SANDBOX_TEST_TOKEN" not in os.environ, sorted(os.environ)
                assert not any(v in ("sk-test", "tok-test") for v in os.environ.values())
            """
        let result = try await sandbox().run(program: program, tests: Self.callF, entryPoint: "f")
        #expect(result.status == .pass, "\(result.summaryLines())")
    }

    @Test func outputFloodIsCapped() async throws {
        let program = """
            import sys
            def f():
                for _ in range(100000):
                    print("x" * 100)
                sys.__stdout__.write("y" * 10000000)
                sys.__stdout__.flush()
            """
        let limits = SandboxLimits(wallSeconds: 30, maxOutputBytes: 4096)
        let result = try await sandbox(limits).run(program: program, tests: Self.callF, entryPoint: "f")
        #expect(result.status == .pass)
        #expect(result.output.utf8.count < 3 * 4096 + 300)
        #expect(result.output.contains("more bytes"))
    }

    @Test func missingDeclaredLibraryIsSkipped() async throws {
        let program = "import collabbench_absent_library\ndef f():\n    pass\n"
        let result = try await sandbox().run(
            program: program, tests: Self.callF, entryPoint: "f", libraries: ["collabbench_absent_library"])
        #expect(result.status == .skipped)
        #expect(result.missingModule == "collabbench_absent_library")
    }

    @Test func missingLibraryImportedByTheTestsIsSkipped() async throws {
        let tests = """
            import unittest
            class TestCases(unittest.TestCase):
                def test_f(self):
                    import collabbench_absent_library
            """
        let result = try await sandbox().run(program: "x = 1\n", tests: tests, entryPoint: nil)
        #expect(result.status == .skipped)
        #expect(result.missingModule == "collabbench_absent_library")
    }

    @Test func undeclaredMissingModuleIsTheProgramsFault() async throws {
        let program = "import collabbench_made_up_module\ndef f():\n    pass\n"
        let result = try await sandbox().run(program: program, tests: Self.callF, entryPoint: "f")
        #expect(result.status == .error)
        #expect(result.missingModule == "collabbench_made_up_module")
    }

    @Test func networkIsOffWhenTheKernelAllowsIt() async throws {
        let program = """
            import socket
            def f():
                socket.create_connection(("192.0.2.1", 9), timeout=2)
            """
        let result = try await sandbox().run(program: program, tests: Self.callF, entryPoint: "f")
        #expect(result.status != .pass)
        if result.isolation.contains("network: namespace") {
            #expect(result.failures.first?.message.contains("unreachable") == true, "\(result.summaryLines())")
        }
    }

    @Test func cancellingARunKillsIt() async throws {
        let mark = marker()
        let program = """
            import subprocess, time
            def f():
                subprocess.Popen(["sleep", "\(mark)"])
                time.sleep(600)
            """
        let box = sandbox(SandboxLimits(wallSeconds: 600))
        let run = Task { try await box.run(program: program, tests: Self.callF, entryPoint: "f") }
        for _ in 0..<1200 where processes(containing: mark).isEmpty {  // up to 2 minutes on a loaded machine
            try await Task.sleep(for: .milliseconds(100))
        }
        run.cancel()
        await #expect(throws: CancellationError.self) { try await run.value }
        for _ in 0..<600 where !processes(containing: mark).isEmpty {  // up to 1 minute
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(processes(containing: mark).isEmpty)
    }

    /// Writes an executable script through a close-on-exec descriptor, so a child forked
    /// meanwhile by a concurrent test does not keep it open for writing past its own exec.
    static func writeExecutable(_ path: String, _ text: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
    }

    @Test func hungSupervisorIsKilledAtTheOuterTimeout() async throws {
        let mark = marker()
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("collabbench-hung-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // An "interpreter" that ignores SIGTERM and never answers.
        let fake = folder.appendingPathComponent("python")
        let script = "#!/bin/sh\ntrap '' TERM\nsleep \(mark) &\nwait\n"
        #expect(Self.writeExecutable(fake.path, script))
        let box = CodeSandbox(python: fake.path, limits: SandboxLimits(wallSeconds: 1))
        // A child that another test forks while this script is being written holds it open
        // until its own exec; starting the script then fails with ETXTBSY ("text file busy"),
        // a kernel race of writing-then-executing, not what this test is about: start again.
        var started: CodeRunResult?
        for _ in 0..<20 where started == nil {
            do {
                started = try await box.run(program: "", tests: Self.callF, entryPoint: nil)
            } catch let error as CodeSandboxError where "\(error)".contains("Text file busy") {
                continue
            }
        }
        let result = try #require(started)
        #expect(result.status == .timeout)
        #expect(result.detail.contains("outer limit"))
        for _ in 0..<600 where !processes(containing: mark).isEmpty {  // up to 1 minute
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(processes(containing: mark).isEmpty)
    }

    @Test func missingInterpreterThrows() async throws {
        let box = CodeSandbox(python: "/nonexistent/python3")
        await #expect(throws: CodeSandboxError.self) {
            try await box.run(program: "", tests: Self.callF, entryPoint: nil)
        }
    }

    @Test func defaultPythonPrefersTheVariableThenTheVenv() throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("collabbench-python-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(CodeSandbox.defaultPython(packageRoot: root, environment: [:]) == "python3")
        #expect(
            CodeSandbox.defaultPython(packageRoot: root, environment: ["COLLABBENCH_CODE_PYTHON": "/x/py"])
                == "/x/py")
        let bin = root.appendingPathComponent(".venv-code/bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let python = bin.appendingPathComponent("python")
        #expect(FileManager.default.createFile(
            atPath: python.path, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755]))
        #expect(CodeSandbox.defaultPython(packageRoot: root, environment: [:]) == python.path)
        #expect(
            CodeSandbox.defaultPython(packageRoot: root, environment: ["COLLABBENCH_CODE_PYTHON": "/x/py"])
                == "/x/py")
    }

    @Test func secretLookingNamesAreDropped() {
        for name in ["OPENAI_API_KEY", "GITHUB_TOKEN", "AWS_SECRET", "MY_APIBASE", "HF_KEY"] {
            #expect(SupervisorLaunch.isSecretName(name), "\(name)")
        }
        for name in ["PATH", "HOME", "LANG", "TMPDIR"] {
            #expect(!SupervisorLaunch.isSecretName(name), "\(name)")
        }
        let kept = SupervisorLaunch.supervisorEnvironment(["PATH": "/bin", "OPENAI_API_KEY": "sk", "FOO": "1"])
        #expect(kept["PATH"] == "/bin")
        #expect(kept["OPENAI_API_KEY"] == nil)
        #expect(kept["FOO"] == nil)
    }
}
