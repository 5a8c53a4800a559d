/// The outcome of running a program against its unit tests in a ``CodeSandbox``.
///
/// As in BigCodeBench, a program passes only when every test of `TestCases` passes.
public struct CodeRunResult: Sendable, Codable, Hashable {
    /// How a run ended.
    public enum Status: String, Sendable, Codable, Hashable, CaseIterable {
        /// Every test passed.
        case pass
        /// At least one test failed or raised.
        case fail
        /// The program could not be loaded (syntax error, exception at import, no `TestCases`),
        /// or it ended before the tests finished (crash, `os._exit`, killed).
        case error
        /// The wall-clock or CPU limit ran out.
        case timeout
        /// The environment lacks a library the task needs (see ``CodeRunResult/missingModule``)
        /// or a data set one loads (see ``CodeRunResult/missingData``); the run says nothing
        /// about the program.
        case skipped
    }

    /// One failed or erroring test.
    public struct TestFailure: Sendable, Codable, Hashable {
        /// The test method's name, e.g. `test_case_1`.
        public var test: String
        /// `failure` (an assertion failed) or `error` (the test raised).
        public var kind: String
        /// The last line of the traceback, e.g. `AssertionError: 2 != 3`.
        public var message: String
        /// The end of the traceback.
        public var traceback: String

        /// Creates a test failure record.
        public init(test: String, kind: String, message: String, traceback: String = "") {
            self.test = test
            self.kind = kind
            self.message = message
            self.traceback = traceback
        }
    }

    /// How the run ended.
    public var status: Status
    /// Names of the tests that failed or raised, in unittest's order.
    public var failedTests: [String]
    /// The module whose `ModuleNotFoundError` ended the run, if any. With ``Status/skipped`` it is
    /// a library the environment should have had; otherwise the program asked for it.
    public var missingModule: String?
    /// The data a library could not find, e.g. `nltk stopwords` or `textblob corpora`: the
    /// package registries carry no such corpora, so tasks that load them are skipped.
    public var missingData: String?
    /// A short human-readable explanation.
    public var detail: String
    /// Wall-clock seconds the supervisor spent on the run.
    public var durationSeconds: Double
    /// Tests run.
    public var testsRun: Int
    /// Details of each failed test.
    public var failures: [TestFailure]
    /// The beginning of what the program printed (capped at the output limit).
    public var output: String
    /// What isolation was in force, e.g. `network: namespace (loopback only); processes: pid-namespace`.
    public var isolation: String

    /// Creates a result.
    public init(
        status: Status,
        failedTests: [String] = [],
        missingModule: String? = nil,
        missingData: String? = nil,
        detail: String,
        durationSeconds: Double,
        testsRun: Int = 0,
        failures: [TestFailure] = [],
        output: String = "",
        isolation: String = ""
    ) {
        self.status = status
        self.failedTests = failedTests
        self.missingModule = missingModule
        self.missingData = missingData
        self.detail = detail
        self.durationSeconds = durationSeconds
        self.testsRun = testsRun
        self.failures = failures
        self.output = output
        self.isolation = isolation
    }

    /// Whether every test passed.
    public var passed: Bool { status == .pass }
}
