/// A child process that could not be started.
public struct ChildProcessError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// A file for a standard stream could not be opened or created.
        case cannotOpenFile
        /// A pipe could not be created.
        case cannotCreatePipe
        /// The program could not be started (missing, not executable, bad working directory).
        case cannotStart
    }

    /// What went wrong.
    public let code: Code
    /// One line naming the program or file and the cause.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
