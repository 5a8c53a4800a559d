/// An error raised while finding, downloading or verifying a tokenizer rank file.
public struct TokenizerLocatorError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Code: String, Sendable, Equatable {
        /// The file's SHA-256 differs from tiktoken's pin.
        case checksumMismatch
        /// The file exists but could not be read.
        case unreadable
        /// The file could not be downloaded (no network, HTTP error, ...).
        case downloadFailed
        /// The downloaded file could not be written to the cache directory.
        case cacheWriteFailed
        /// The file passed the checksum but could not be parsed.
        case invalidRankFile
    }

    /// The kind of failure.
    public let code: Code
    /// The file or URL involved.
    public let location: String
    /// One line explaining the failure and what to do about it.
    public let message: String

    /// Creates an error.
    public init(code: Code, location: String, message: String) {
        self.code = code
        self.location = location
        self.message = message
    }

    /// One line naming the file or URL and the problem.
    public var description: String { "\(location): \(message)" }
}
