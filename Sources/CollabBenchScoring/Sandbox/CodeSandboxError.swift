/// A failure of the sandbox machinery itself (not of the program under test, which is reported
/// in a ``CodeRunResult``).
public struct CodeSandboxError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable {
        /// The Python interpreter could not be found or started.
        case pythonNotFound
        /// `sandbox_runner.py` is missing from the module's resources.
        case runnerMissing
        /// The temporary files for the run could not be written or read.
        case io
        /// The supervisor ended without printing a result line.
        case supervisorFailed
    }

    /// What went wrong.
    public var code: Code
    /// One line naming what failed and where, with its cause.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// One line: the code, then the message.
    public var description: String { "code sandbox \(code.rawValue): \(message)" }
}
