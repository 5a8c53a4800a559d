/// An error a user can act on: a stable code and one line naming what went wrong and where.
///
/// The command-line tool prints ``message`` on one line and exits non-zero.
public struct CollabBenchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable categories of failure.
    public enum Code: String, Sendable, Hashable {
        case invalidModelSpec, unknownPack, malformedPack, malformedTask, missingFile
        case modelUnreachable, modelHTTPError, modelAuthentication, modelTimeout, modelContextLength
        case modelMalformedReply, storeError, invalidArgument, scoringError, promptTemplate, cacheMiss, configurationChanged
        /// A subprocess agent failed: it crashed, hung past its turn timeout, or wrote a malformed
        /// or oversized reply.
        case agentFailed
    }

    /// The category.
    public var code: Code
    /// One line for the user: what, where, and what to do if that is known.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
