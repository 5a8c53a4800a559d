/// An error raised while reading a tiktoken rank file.
public struct BPETokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Code: String, Sendable, Equatable {
        /// A line is not `<base64> <rank>`.
        case malformedLine
        /// The same token bytes or the same rank appear twice.
        case duplicateEntry
        /// A single byte has no rank, so some texts could not be encoded.
        case missingByte
        /// The file holds no tokens at all.
        case empty
    }

    /// The kind of failure.
    public let code: Code
    /// The encoding whose rank file was being read.
    public let encoding: TokenizerEncodingName
    /// The 1-based line of the rank file involved, when one is.
    public let line: Int?
    /// A short human-readable explanation.
    public let message: String

    /// Creates an error.
    public init(code: Code, encoding: TokenizerEncodingName, line: Int?, message: String) {
        self.code = code
        self.encoding = encoding
        self.line = line
        self.message = message
    }

    /// One line naming the encoding, the line of the rank file and the problem.
    public var description: String {
        let place = line.map { " line \($0)" } ?? ""
        return "\(encoding.rankFileName)\(place): \(message)"
    }
}
