/// Why a standard dataset could not be downloaded: a code and one line saying what failed and
/// what to do instead.
///
/// ```text
/// could not reach datasets-server.huggingface.co (connection refused) to download hendrycks_math; on a machine without access, import a local copy: collabbench tasks import math --from math_all.jsonl.gz …
/// ```
public struct DatasetDownloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable categories of download failure.
    public enum Code: String, Sendable, Hashable {
        /// The host could not be reached (DNS, refused, timed out), after retries.
        case unreachable
        /// The server answered with an HTTP error that retrying did not cure.
        case httpError
        /// The server's answer is not in the expected shape.
        case malformedResponse
        /// The number of rows differs from the published count.
        case rowCountMismatch
        /// A file's content differs from its published hash.
        case hashMismatch
        /// The cache folder could not be written.
        case cacheFailure
    }

    /// The category.
    public var code: Code
    /// The whole message, one line.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message, on one line.
    public var description: String {
        String(message.map { $0.isNewline ? " " : $0 })
    }

    /// The exit status of the command line: 69 (a service is unavailable) when the server could
    /// not be reached or kept failing, 65 when what it sent is wrong, 74 when the cache cannot be
    /// written.
    public var exitStatus: Int32 {
        switch code {
        case .unreachable, .httpError: 69
        case .malformedResponse, .rowCountMismatch, .hashMismatch: 65
        case .cacheFailure: 74
        }
    }
}
