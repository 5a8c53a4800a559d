extension ChildProcess {
    /// What to start and where its standard streams go.
    ///
    /// ```swift
    /// var configuration = ChildProcess.Configuration(executable: "/usr/bin/python3", arguments: ["-c", "print(1)"])
    /// configuration.standardOutput = .file("/tmp/out.txt")
    /// ```
    public struct Configuration: Sendable {
        /// The program's path (not looked up on `PATH`).
        public var executable: String
        /// Its arguments, without the program name.
        public var arguments: [String]
        /// Its whole environment, or nil for CollabBench's own.
        public var environment: [String: String]?
        /// Where it runs, or nil for CollabBench's current directory.
        public var workingDirectory: String?
        /// Its standard input.
        public var standardInput: Input
        /// Its standard output.
        public var standardOutput: Output
        /// Its standard error.
        public var standardError: Output

        /// Creates a configuration; every stream defaults to `/dev/null`.
        /// - Parameters:
        ///   - executable: the program's path.
        ///   - arguments: its arguments.
        ///   - environment: its whole environment (nil: inherit CollabBench's).
        ///   - workingDirectory: where it runs (nil: the current directory).
        ///   - standardInput: where its stdin comes from.
        ///   - standardOutput: where its stdout goes.
        ///   - standardError: where its stderr goes.
        public init(
            executable: String,
            arguments: [String] = [],
            environment: [String: String]? = nil,
            workingDirectory: String? = nil,
            standardInput: Input = .nullDevice,
            standardOutput: Output = .nullDevice,
            standardError: Output = .nullDevice
        ) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.workingDirectory = workingDirectory
            self.standardInput = standardInput
            self.standardOutput = standardOutput
            self.standardError = standardError
        }
    }

    /// Where a child's standard input comes from.
    public enum Input: Sendable {
        /// `/dev/null`: the child reads end of file at once.
        case nullDevice
        /// The contents of the file at this path.
        case file(String)
        /// A pipe the caller writes through ``ChildProcess/standardInput``.
        case pipe
        /// A descriptor the caller owns (and closes after ``ChildProcess/start(_:clock:)``).
        case descriptor(Int32)
    }

    /// Where a child's standard output or error goes.
    public enum Output: Sendable {
        /// `/dev/null`.
        case nullDevice
        /// A file at this path, created or truncated; no pipe can fill up and stall the child.
        case file(String)
        /// A pipe the caller reads as ``ChildProcess/standardOutput`` or ``ChildProcess/standardError``.
        case pipe
        /// A descriptor the caller owns (and closes after ``ChildProcess/start(_:clock:)``).
        case descriptor(Int32)
    }

    /// How a child ended.
    public struct Termination: Sendable, Hashable, CustomStringConvertible {
        /// Why it ended.
        public enum Reason: Sendable, Hashable {
            /// It exited; ``Termination/status`` is its exit status.
            case exit
            /// A signal killed it; ``Termination/status`` is the signal number.
            case signal
        }

        /// The exit status, or the signal number.
        public var status: Int32
        /// Whether it exited or was killed by a signal.
        public var reason: Reason

        /// Creates a termination.
        public init(status: Int32, reason: Reason) {
            self.status = status
            self.reason = reason
        }

        /// Whether it exited with status 0.
        public var succeeded: Bool { reason == .exit && status == 0 }

        /// `exited with status 1` or `was killed by signal 9`.
        public var description: String {
            reason == .signal ? "was killed by signal \(status)" : "exited with status \(status)"
        }
    }

    /// How a child is stopped at a deadline or on cancellation.
    public struct Teardown: Sendable, Hashable {
        /// Send the first `SIGTERM` to the whole process group (else to the child alone, so it
        /// can tear down what it started itself).
        public var terminatesGroup: Bool
        /// How long to wait after `SIGTERM` before `SIGKILL` goes to the process group.
        public var grace: Duration

        /// Creates a teardown.
        /// - Parameters:
        ///   - terminatesGroup: whether `SIGTERM` goes to the process group or to the child alone.
        ///   - grace: the wait between `SIGTERM` and `SIGKILL`.
        public init(terminatesGroup: Bool = true, grace: Duration = .seconds(2)) {
            self.terminatesGroup = terminatesGroup
            self.grace = grace
        }
    }

    /// How ``ChildProcess/run(deadline:teardown:)`` ended without cancellation.
    public enum Completion: Sendable, Hashable {
        /// It exited by itself.
        case exited(Termination)
        /// It outlived the deadline and was stopped.
        case stoppedAtDeadline(Termination)
    }
}
