import Foundation
import Testing

@testable import CollabBenchScoring

/// Whether `python3` is on `PATH`.
private let python3Available =
    (try? SupervisorLaunch.resolve(python: "python3", path: ProcessInfo.processInfo.environment["PATH"])) != nil

/// Programs that try to fool unittest instead of passing its tests are never scored as a pass.
@Suite(.timeLimit(.minutes(5)), .enabled(if: python3Available, "needs python3 on PATH"))
struct CodeSandboxHostileTests {
    /// Two tests a wrong `task_func` (the identity) fails.
    static let tests = """
        import unittest
        class TestCases(unittest.TestCase):
            def test_one(self):
                self.assertEqual(task_func(1), 2)
            def test_two(self):
                self.assertEqual(task_func(2), 4)
        """

    func run(_ program: String) async throws -> CodeRunResult {
        try await CodeSandbox(python: "python3", limits: .init(wallSeconds: 30)).run(program: program, tests: Self.tests, entryPoint: "task_func")
    }

    func expectNotPassed(_ result: CodeRunResult, detail needle: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != .pass, "\(result)", sourceLocation: sourceLocation)
        #expect(result.status != .skipped, "\(result)", sourceLocation: sourceLocation)
        #expect(result.detail.contains(needle), "\(result.detail)", sourceLocation: sourceLocation)
    }

    @Test func anHonestProgramStillPasses() async throws {
        let result = try await run("def task_func(x):\n    return 2 * x\n")
        #expect(result.status == .pass, "\(result)")
        #expect(result.testsRun == 2)
    }

    @Test func testCodeThatStoresHelpersOnItsOwnClassStillPasses() async throws {
        // Trusted test code may keep helpers on its class in setUpClass (BigCodeBench's do); only
        // replacing what was there is tampering.
        let tests = """
            import unittest
            from unittest.mock import MagicMock
            class TestCases(unittest.TestCase):
                @classmethod
                def setUpClass(cls):
                    cls.double = staticmethod(lambda x: 2 * x)
                    cls.mock = MagicMock(return_value=4)
                    cls.check = lambda self, x: self.assertEqual(task_func(x), cls.double(x))
                def test_one(self):
                    self.check(1)
                def test_two(self):
                    self.assertEqual(task_func(2), self.mock())
            """
        let result = try await CodeSandbox(python: "python3", limits: .init(wallSeconds: 30))
            .run(program: "def task_func(x):\n    return 2 * x\n", tests: tests, entryPoint: "task_func")
        #expect(result.status == .pass, "\(result)")
        #expect(result.testsRun == 2)
    }

    @Test func replacingTestCaseRunIsCaught() async throws {
        let result = try await run("""
            import unittest
            unittest.TestCase.run = lambda self, result=None: None
            def task_func(x):
                return x
            """)
        expectNotPassed(result, detail: "changed the test harness (unittest.case.TestCase.run)")
    }

    @Test func replacingTestCaseRunDuringATestIsCaught() async throws {
        // The first call passes honestly, then stops every later test from running.
        let result = try await run("""
            import unittest
            def task_func(x):
                unittest.TestCase.run = lambda self, result=None: None
                return 2 * x if x == 1 else x
            """)
        expectNotPassed(result, detail: "TestCase.run")
    }

    @Test func patchingTestResultIsCaught() async throws {
        let result = try await run("""
            import unittest
            unittest.TestResult.addFailure = lambda *args: None
            unittest.TestResult.addError = lambda *args: None
            unittest.TestResult.wasSuccessful = lambda self: True
            def task_func(x):
                return x
            """)
        expectNotPassed(result, detail: "TestResult.addFailure")
    }

    @Test func patchingTheHarnessResultFromATestFrameIsCaught() async throws {
        let result = try await run("""
            import sys
            def task_func(x):
                frame = sys._getframe()
                while frame and 'result' not in frame.f_locals:
                    frame = frame.f_back
                type(frame.f_locals['result']).addFailure = lambda *args: None
                return x
            """)
        expectNotPassed(result, detail: "changed the test harness")
    }

    @Test func rewritingALaterTestIsCaught() async throws {
        let result = try await run("""
            import sys
            def task_func(x):
                sys.modules['__test__'].TestCases.test_two = lambda self: None
                return 2 * x if x == 1 else x
            """)
        expectNotPassed(result, detail: "TestCases.test_two")
    }

    @Test func sysExitInsideATestIsAFailure() async throws {
        let result = try await run("""
            import sys
            def task_func(x):
                sys.exit(0)
            """)
        expectNotPassed(result, detail: "SystemExit")
        #expect(result.status == .fail)
        #expect(result.failedTests == ["test_one", "test_two"])
    }

    @Test func osExitAtImportIsAnError() async throws {
        let result = try await run("""
            import os
            os._exit(0)
            """)
        #expect(result.status == .error, "\(result)")
        expectNotPassed(result, detail: "exited (code 0) before the tests finished")
    }

    @Test func osExitInsideATestIsAnError() async throws {
        let result = try await run("""
            import os
            def task_func(x):
                os._exit(0)
            """)
        #expect(result.status == .error, "\(result)")
        expectNotPassed(result, detail: "before the tests finished")
    }

    @Test func aForgedResultWithoutTheTestsIsCaughtByTheSupervisor() async throws {
        // Writes a "pass" straight to the result pipe and leaves: the supervisor, which read the
        // test methods from the test code itself, sees that none of them ran.
        let result = try await run("""
            import sys, os, json
            frame = sys._getframe()
            while frame and 'res_w' not in frame.f_locals:
                frame = frame.f_back
            os.write(frame.f_locals['res_w'], json.dumps({"status": "pass", "tests_run": 2, "failures": [], "missing_module": None, "detail": "2 tests passed"}).encode())
            os._exit(0)
            """)
        expectNotPassed(result, detail: "0 of the 2 tests in the test code ran to the end (not run: test_one, test_two)")
    }

    @Test func replacingJSONDumpsDoesNotChangeTheResult() async throws {
        let result = try await run("""
            import json
            json.dumps = lambda *args, **kwargs: '{"status": "pass", "tests_run": 2, "tests_finished": ["test_one", "test_two"], "failures": [], "detail": "forged"}'
            def task_func(x):
                return x
            """)
        #expect(result.status == .fail, "\(result)")
    }
}
